package io.camstream.cli;

import io.camstream.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model}: a spec file, or a model id looked up in the project's {@code models/} folder. */
public final class ModelOption {

  @Option(names = {"--model", "-m"}, required = true, paramLabel = "SPEC",
      description = "Model spec YAML, or a model id from the models folder (e.g. ocr-textline-cls).")
  String model;

  @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "${env:CAMSTREAM_MODELS_DIR:-models}",
      description = "Folder of model spec YAMLs (default: ${DEFAULT-VALUE}).")
  Path modelsDir;

  public ModelSpec load() throws IOException {
    Path p = Path.of(model);
    if (Files.isRegularFile(p)) {
      return ModelSpec.load(p);
    }
    Path dir = io.camstream.io.SharedDir.inProject(modelsDir);
    if (Files.isDirectory(dir)) {
      for (ModelSpec s : ModelSpec.loadAll(dir)) {
        if (s.id().equals(model) || s.key().equals(model)) {
          return s;
        }
      }
    }
    throw new IOException("no model spec '" + model + "' (neither a file nor an id in " + modelsDir + ")");
  }
}
