package io.camstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camstream.model.proto.Framework.ProgramDesc;
import io.camstream.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's own readers and writers reproduce the shipped files byte for byte. */
class ProgramIOTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"ch_ppocr_mobile_v2.0_cls_infer, 186, 213, 133628", "ch_PP-OCRv3_det_infer, 238, 288, 592625"})
  void readAndWriteRoundTripBothShippedModels(String model, int ops, int tensors, long values) throws Exception {
    Path dir = Shared.dir().resolve("models").resolve(model);
    ProgramDesc p = ProgramIO.read(dir.resolve("inference.pdmodel"));
    assertThat(p.getBlocks(0).getOpsCount()).isEqualTo(ops);
    ProgramIO.write(p, tmp.resolve("m.pdmodel"));
    assertThat(Files.readAllBytes(tmp.resolve("m.pdmodel"))).isEqualTo(Files.readAllBytes(dir.resolve("inference.pdmodel")));

    Map<String, Tensor> params = ParamsIO.read(dir.resolve("inference.pdiparams"), p);
    assertThat(params).hasSize(tensors);
    assertThat(params.values().stream().mapToLong(Tensor::size).sum()).isEqualTo(values);
    ParamsIO.write(tmp.resolve("m.pdiparams"), params.values());
    assertThat(Files.readAllBytes(tmp.resolve("m.pdiparams")))
        .isEqualTo(Files.readAllBytes(dir.resolve("inference.pdiparams")));
  }

  @Test
  void paramsOfAnotherProgramAreRejected() throws Exception {
    Path cls = Shared.dir().resolve("models/ch_ppocr_mobile_v2.0_cls_infer");
    Path det = Shared.dir().resolve("models/ch_PP-OCRv3_det_infer");
    ProgramDesc p = ProgramIO.read(cls.resolve("inference.pdmodel"));
    assertThatThrownBy(() -> ParamsIO.read(det.resolve("inference.pdiparams"), p))
        .hasMessageContaining("does not belong to this program");
  }

  @Test
  void aFileThatIsNotAProgramIsReported() throws Exception {
    Path junk = tmp.resolve("junk.pdmodel");
    Files.write(junk, new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02});
    assertThatThrownBy(() -> ProgramIO.read(junk)).hasMessageContaining("not a Paddle program");
  }
}
