package io.camstream.engine;

import io.camstream.model.ModelSpec;
import io.camstream.render.DecodedImage;
import io.camstream.render.Images;
import io.camstream.render.RenderOptions;
import io.camstream.testing.Shared;
import java.nio.file.Path;
import java.util.List;

/** Shared setup for engine tests: the shipped specs, one program cache per build, preprocessing helpers. */
final class EngineFixture {

  static final Path CACHE = Path.of("target", "program-cache").toAbsolutePath();

  private EngineFixture() {}

  static EngineOptions options() {
    return new EngineOptions(List.of("cpu"), 1, 2, 8, CACHE, RenderOptions.defaults());
  }

  static ModelSpec spec(String id) throws Exception {
    return ModelSpec.load(Shared.spec(id));
  }

  /** An explainer of the shipped models {@code ids} on one engine ({@code paddle}, {@code onnxruntime}). */
  static PaddleExplainer explainer(String engine, String... ids) throws Exception {
    List<ModelSpec> specs = new java.util.ArrayList<>();
    for (String id : ids) {
      specs.add(spec(id));
    }
    return new PaddleExplainer(specs, Shared.dir(), options().withEngine(engine));
  }

  static ModelRuntime runtime(String id) throws Exception {
    return new ModelRuntime(spec(id), Shared.dir(), options());
  }

  static DecodedImage decode(String image) throws Exception {
    return Images.decode(Shared.imageBytes(image), 40_000_000L);
  }

  static Blob input(ModelRuntime rt, String image) throws Exception {
    Preprocessor.Prepared p = rt.preprocessor().prepare(decode(image));
    return new Blob(new long[] {1, 3, p.height(), p.width()}, p.chw());
  }
}
