package io.camstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code camstream models spec}: example configs of each toolkit, written here in the formats the toolkits
 * document and export, become specs that load; what has no spec equivalent is reported.
 */
class ExportedConfigsTest {

  @TempDir Path dir;

  /** A small exported model (file names as the toolkit writes them) so the spec's files exist. */
  private Path model(String folder, String stem) throws Exception {
    Path d = dir.resolve(folder);
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, 4, 4).param("k", new long[] {2, 3, 1, 1}, new float[6]);
    w.var("A", -1, 2, 4, 4).var("y", -1, 2, 4, 4);
    w.op("conv2d").in("Input", "x").in("Filter", "k").out("Output", "A").add();
    w.op("sigmoid").in("X", "A").out("Out", "y").add();
    w.fetch("y").write(d);
    if (!stem.equals("inference")) {
      Files.move(d.resolve("inference.pdmodel"), d.resolve(stem + ".pdmodel"));
      Files.move(d.resolve("inference.pdiparams"), d.resolve(stem + ".pdiparams"));
    }
    return d;
  }

  private static ModelSpec roundTrip(Path d, ExportedConfigs.Result r) throws Exception {
    Path yaml = d.resolve("camstream.yaml");
    Files.writeString(yaml, r.yaml());
    ModelSpec s = ModelSpec.load(yaml);
    assertThat(s.modelDir(d)).isEqualTo(d.toAbsolutePath().normalize());
    assertThat(Files.isRegularFile(s.modelDir(d).resolve(s.files().model()))).isTrue();
    assertThat(Files.isRegularFile(s.modelDir(d).resolve(s.files().params()))).isTrue();
    return s;
  }

  @Test
  void paddleClasInferenceYml() throws Exception {
    Path d = model("PPHGNetV2_B0_infer", "inference");
    Files.writeString(d.resolve("inference.yml"), """
        Global:
          model_name: PPHGNetV2_B0
        PreProcess:
          transform_ops:
          - ResizeImage:
              resize_short: 232
          - CropImage:
              size: 224
          - NormalizeImage:
              channel_num: 3
              mean: [0.485, 0.456, 0.406]
              order: ''
              scale: 1.0/255.0
              std: [0.229, 0.224, 0.225]
          - ToCHWImage: null
          - GridMask: {d1: 96}
        PostProcess:
          Topk:
            topk: 5
            class_id_map_file: imagenet1k_label_list.txt
        """);
    Files.writeString(d.resolve("imagenet1k_label_list.txt"), "0 tench, Tinca tinca\n1 goldfish\n2 great white shark\n");
    ExportedConfigs.Result r = ExportedConfigs.fromDir(d, null);
    ModelSpec s = roundTrip(d, r);
    assertThat(r.toolkit()).isEqualTo("PaddleClas");
    assertThat(s.id()).isEqualTo("pphgnetv2_b0_infer");
    assertThat(s.task()).isEqualTo(ModelSpec.Task.CLASSIFICATION);
    assertThat(s.input().resize()).isEqualTo("short-side-crop");
    assertThat(s.input().limitSideLen()).isEqualTo(232);
    assertThat(s.input().height()).isEqualTo(224);
    assertThat(s.input().width()).isEqualTo(224);
    assertThat(s.input().channelOrder()).isEqualTo("RGB");
    assertThat(s.input().scale()).isEqualTo(1 / 255.0);
    assertThat(s.input().mean()).containsExactly(0.485, 0.456, 0.406);
    assertThat(s.input().std()).containsExactly(0.229, 0.224, 0.225);
    assertThat(s.labels()).containsExactly("tench, Tinca tinca", "goldfish", "great white shark");
    assertThat(r.unmapped()).singleElement().asString().contains("GridMask");
  }

  @Test
  void paddleDetectionInferCfgYml() throws Exception {
    Path d = model("picodet_s_320_coco_lcnet", "model");
    Files.writeString(d.resolve("infer_cfg.yml"), """
        mode: paddle
        draw_threshold: 0.5
        metric: COCO
        use_dynamic_shape: false
        arch: PicoDet
        min_subgraph_size: 3
        Preprocess:
        - interp: 2
          keep_ratio: false
          target_size: [320, 320]
          type: Resize
        - is_scale: true
          mean: [0.485, 0.456, 0.406]
          std: [0.229, 0.224, 0.225]
          type: NormalizeImage
        - type: Permute
        label_list:
        - person
        - bicycle
        """);
    ExportedConfigs.Result r = ExportedConfigs.fromDir(d, "picodet");
    ModelSpec s = roundTrip(d, r);
    assertThat(s.id()).isEqualTo("picodet");
    assertThat(s.files().model()).isEqualTo("model.pdmodel");
    assertThat(s.input().resize()).isEqualTo("fixed");
    assertThat(s.input().height()).isEqualTo(320);
    assertThat(s.input().channelOrder()).isEqualTo("RGB");
    assertThat(s.input().scale()).isEqualTo(1 / 255.0);
    assertThat(s.labels()).containsExactly("person", "bicycle");
    assertThat(s.task()).isEqualTo(ModelSpec.Task.DETECTION);
    assertThat(r.unmapped()).anySatisfy(u -> assertThat(u).contains("arch PicoDet"));
  }

  @Test
  void paddleSegDeployYaml() throws Exception {
    Path d = model("pp_liteseg_infer", "model");
    Files.writeString(d.resolve("deploy.yaml"), """
        Deploy:
          model: model.pdmodel
          params: model.pdiparams
          transforms:
          - type: Resize
            target_size: [1024, 512]
          - type: Normalize
            mean: [0.5, 0.5, 0.5]
            std: [0.5, 0.5, 0.5]
          - type: Padding
            target_size: [1024, 1024]
        """);
    ExportedConfigs.Result r = ExportedConfigs.fromDir(d, null);
    ModelSpec s = roundTrip(d, r);
    assertThat(r.toolkit()).isEqualTo("PaddleSeg");
    assertThat(s.task()).isEqualTo(ModelSpec.Task.DENSE);
    assertThat(s.input().width()).isEqualTo(1024); // PaddleSeg target_size is [w, h]
    assertThat(s.input().height()).isEqualTo(512);
    assertThat(s.input().mean()).containsExactly(0.5, 0.5, 0.5);
    assertThat(r.unmapped()).singleElement().asString().contains("Padding");
  }

  @Test
  void paddleOcrFolderConventions() throws Exception {
    ModelSpec det = roundTrip(model("ch_PP-OCRv4_det_infer", "inference"),
        ExportedConfigs.fromDir(dir.resolve("ch_PP-OCRv4_det_infer"), null));
    assertThat(det.task()).isEqualTo(ModelSpec.Task.DENSE);
    assertThat(det.input().resize()).isEqualTo("longest-side");
    assertThat(det.input().limitSideLen()).isEqualTo(960);
    assertThat(det.input().channelOrder()).isEqualTo("BGR");
    Path clsDir = model("ch_ppocr_mobile_v2.0_cls_infer", "inference");
    ModelSpec cls = roundTrip(clsDir, ExportedConfigs.fromDir(clsDir, null));
    assertThat(cls.input().resize()).isEqualTo("keep-ratio-pad");
    assertThat(cls.input().width()).isEqualTo(192);
    assertThat(cls.labels()).containsExactly("0", "180");
    Path recDir = model("ch_PP-OCRv4_rec_infer", "inference");
    ExportedConfigs.Result rec = ExportedConfigs.fromDir(recDir, null);
    assertThat(roundTrip(recDir, rec).input().width()).isEqualTo(320);
    assertThat(rec.unmapped()).singleElement().asString().contains("CTC");
    ExportedConfigs.Result unknown = ExportedConfigs.fromDir(model("mystery", "inference"), null);
    assertThat(unknown.unmapped()).singleElement().asString().contains("write task and input by hand");
  }

  @Test
  void specsFromTheSameConfigAreIdentical() throws Exception {
    Path d = model("ch_PP-OCRv4_det_infer", "inference");
    assertThat(ExportedConfigs.fromDir(d, null).yaml()).isEqualTo(ExportedConfigs.fromDir(d, null).yaml());
    assertThat(List.of(ExportedConfigs.fromDir(d, null).yaml().split("\n"))).first().asString()
        .startsWith("# written by `camstream models spec`");
  }
}
