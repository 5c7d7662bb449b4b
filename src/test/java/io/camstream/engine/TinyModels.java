package io.camstream.engine;

import io.camstream.model.ModelSpec;
import io.camstream.model.ProgramWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small models written by the tests themselves, with every attribute an exporter would write. */
final class TinyModels {

  static final int C = 4;
  static final int K = 3;
  static final int S = 8;

  private TinyModels() {}

  static ProgramWriter.Op conv(ProgramWriter w, String type, String in, String filter, String out, int stride,
      int pad, int groups) {
    return w.op(type).in("Input", in).in("Filter", filter).out("Output", out)
        .ints("strides", stride, stride).ints("paddings", pad, pad).ints("dilations", 1, 1).i("groups", groups)
        .s("data_format", "NCHW").s("padding_algorithm", "EXPLICIT").b("use_cudnn", false).b("use_mkldnn", false)
        .b("use_addto", false).i("workspace_size_MB", 512).b("exhaustive_search", false)
        .b("fuse_relu_before_depthwise_conv", false).b("use_quantizer", false).s("mkldnn_data_type", "float32")
        .b("fuse_relu", false).s("fuse_activation", "").f("fuse_alpha", 0f).f("fuse_beta", 0f)
        .b("fuse_residual_connection", false).b("force_fp32_output", false).b("is_test", true);
  }

  static ProgramWriter.Op eltwise(ProgramWriter w, String type, String x, String y, String out, int axis) {
    return w.op(type).in("X", x).in("Y", y).out("Out", out).i("axis", axis).b("use_mkldnn", false)
        .s("x_data_format", "").s("y_data_format", "").s("mkldnn_data_type", "float32").f("Scale_x", 1f)
        .f("Scale_y", 1f).f("Scale_out", 1f);
  }

  static ProgramWriter.Op pool(ProgramWriter w, String in, String out, String type, int k, boolean global) {
    return w.op("pool2d").in("X", in).out("Out", out).s("pooling_type", type).ints("ksize", k, k)
        .b("global_pooling", global).ints("strides", k, k).ints("paddings", 0, 0).b("exclusive", true)
        .b("adaptive", false).b("ceil_mode", false).s("data_format", "NCHW").s("padding_algorithm", "EXPLICIT")
        .b("use_cudnn", false).b("use_mkldnn", false).b("is_test", true);
  }

  /**
   * x[N,3,8,8] -> conv3x3(4) + bias -> relu = A -> {maxpool2x2 -> global avg} + {global avg} -> flatten ->
   * matmul_v2 W[4,3] + b = logits -> softmax. A has two consumers, so its gradient is a sum.
   */
  static ProgramWriter classifier() {
    ProgramWriter w = new ProgramWriter();
    w.feed("x", -1, 3, S, S);
    w.param("conv_w", new long[] {C, 3, 3, 3}, ProgramWriter.random(C * 27, 1, 0.3f));
    w.param("conv_b", new long[] {C}, ProgramWriter.random(C, 2, 0.1f));
    w.param("fc_w", new long[] {C, K}, ProgramWriter.random(C * K, 3, 1f));
    w.param("fc_b", new long[] {K}, ProgramWriter.random(K, 4, 0.1f));
    for (String v : new String[] {"c0", "c1", "A"}) {
      w.var(v, -1, C, S, S);
    }
    w.var("m", -1, C, S / 2, S / 2).var("p1", -1, C, 1, 1).var("p2", -1, C, 1, 1).var("p", -1, C, 1, 1);
    w.var("f", -1, C).var("fx", 0, -1, C, 1, 1).var("l0", -1, K).var("logits", -1, K).var("probs", -1, K);
    conv(w, "conv2d", "x", "conv_w", "c0", 1, 1, 1).add();
    eltwise(w, "elementwise_add", "c0", "conv_b", "c1", 1).add();
    w.op("relu").in("X", "c1").out("Out", "A").add();
    pool(w, "A", "m", "max", 2, false).add();
    pool(w, "m", "p1", "avg", 1, true).add();
    pool(w, "A", "p2", "avg", 1, true).add();
    eltwise(w, "elementwise_add", "p1", "p2", "p", -1).add();
    w.op("flatten_contiguous_range").in("X", "p").out("Out", "f").out("XShape", "fx").i("start_axis", 1)
        .i("stop_axis", -1).add();
    w.op("matmul_v2").in("X", "f").in("Y", "fc_w").out("Out", "l0").b("trans_x", false).b("trans_y", false).add();
    eltwise(w, "elementwise_add", "l0", "fc_b", "logits", -1).add();
    w.op("softmax").in("X", "logits").out("Out", "probs").i("axis", -1).b("use_cudnn", false)
        .s("data_format", "AnyLayout").b("use_mkldnn", false).b("is_test", true).add();
    return w.fetch("probs");
  }

  /** A spec for a tiny model written into {@code dir}. */
  static ModelSpec spec(Path dir, String id, String layer, String logits, String output) throws IOException {
    Path yaml = dir.resolve(id + ".yaml");
    Files.writeString(yaml, String.join("\n",
        "id: " + id,
        "version: \"1\"",
        "files: {dir: " + dir.toAbsolutePath() + "}",
        "task: classification",
        "input: {resize: fixed, height: " + S + ", width: " + S + ", scale: 0.00392156862745098}",
        "output: " + output,
        "logits: " + logits,
        "targetLayer: " + layer,
        ""));
    return ModelSpec.load(yaml);
  }
}
