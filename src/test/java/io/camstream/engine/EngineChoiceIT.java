package io.camstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.camstream.explain.ExplainException;
import io.camstream.model.ModelSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Which engine runs a program: ONNX Runtime for a graph that compiles and verifies, Paddle with one log line naming
 * the op when the compiler does not know one, and what a spec (or the config) forces.
 */
class EngineChoiceIT {

  @TempDir Path dir;

  @Test
  void aVerifiedGraphRunsOnOnnxRuntimeAndASpecCanForcePaddle() throws Exception {
    TinyModels.classifier().write(dir);
    ModelSpec auto = TinyModels.spec(dir, "tiny", "A", "logits", "probs");
    try (ModelRuntime rt = new ModelRuntime(auto, dir, EngineFixture.options())) {
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).engine()).isEqualTo("onnxruntime");
    }
    ModelSpec paddle = TinyModels.spec(dir, "tiny", "A", "logits", "probs", "paddle");
    assertThat(paddle.engine()).isEqualTo("paddle");
    try (ModelRuntime rt = new ModelRuntime(paddle, dir, EngineFixture.options())) {
      ModelRuntime.Loaded l = rt.program("A", ModelRuntime.Kind.EXPLAIN);
      assertThat(l.engine()).isEqualTo("paddle");
      assertThat(l.engineVersion()).isEqualTo("2.3.2");
    }
    // the config overrides the spec
    try (ModelRuntime rt = new ModelRuntime(paddle, dir, EngineFixture.options().withEngine("onnxruntime"))) {
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).engine()).isEqualTo("onnxruntime");
    }
  }

  @Test
  void anOpWithoutTranslationFallsBackToPaddleWithOneLogLine() throws Exception {
    TinyModels.classifier("mish").write(dir); // mish_grad has a Paddle grad maker but no ONNX translation
    Logger log = (Logger) LoggerFactory.getLogger(ModelRuntime.class);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    log.addAppender(seen);
    try (ModelRuntime rt = new ModelRuntime(TinyModels.spec(dir, "tiny-mish", "A", "logits", "probs"), dir,
        EngineFixture.options())) {
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).engine()).isEqualTo("paddle");
      assertThat(rt.program("A", ModelRuntime.Kind.EXPLAIN).engine()).isEqualTo("paddle"); // loaded once
    } finally {
      log.detachAppender(seen);
    }
    assertThat(seen.list).filteredOn(e -> e.getFormattedMessage().contains("running on paddle")).singleElement()
        .extracting(ILoggingEvent::getFormattedMessage).asString().contains("mish_grad", "no ONNX translation");

    ModelSpec forced = TinyModels.spec(dir, "tiny-mish", "A", "logits", "probs", "onnxruntime");
    try (ModelRuntime rt = new ModelRuntime(forced, dir, EngineFixture.options())) {
      assertThatThrownBy(() -> rt.program("A", ModelRuntime.Kind.EXPLAIN)).isInstanceOf(ExplainException.class)
          .hasMessageContaining("engine onnxruntime was asked for").hasMessageContaining("mish_grad");
    }
  }
}
