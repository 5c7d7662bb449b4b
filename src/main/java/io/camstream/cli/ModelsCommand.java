package io.camstream.cli;

import io.camstream.io.ModelFetcher;
import io.camstream.io.ModelFetcher.FileCheck;
import io.camstream.io.ModelSource;
import io.camstream.io.SharedDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code camstream models fetch|verify}: installs the official model files for people without a shared folder, and
 * checks installed files against the sha256 in the model spec.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Download or verify model files listed in a model spec's source: block.",
    subcommands = {ModelsCommand.Fetch.class, ModelsCommand.Verify.class, ModelsCommand.SpecFromExport.class})
public final class ModelsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options both subcommands share. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--spec", required = true, paramLabel = "SPEC",
        description = "Model spec YAML, e.g. models/ocr-textline-cls.yaml (relative to the current directory or"
            + " the project).")
    Path specFile;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Folder that holds model folders (default: the shared folder's models/, where the specs look).")
    Path dir;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        ModelSource source = ModelSource.fromSpec(findSpec(specFile));
        Path modelsDir = dir != null ? dir : SharedDir.locate().root().resolve("models");
        return run(source, modelsDir.toAbsolutePath().normalize());
      } catch (IOException | IllegalArgumentException e) {
        err.println("camstream models " + spec.name() + ": " + e.getMessage());
        err.flush();
        return 1;
      }
    }

    abstract int run(ModelSource source, Path modelsDir) throws IOException;

    /** A relative spec path also works from outside the project, e.g. when the launcher is on PATH. */
    private static Path findSpec(Path given) throws IOException {
      String home = System.getProperty(SharedDir.HOME_PROPERTY);
      if (!Files.exists(given) && !given.isAbsolute() && home != null && Files.exists(Path.of(home, given.toString()))) {
        return Path.of(home, given.toString());
      }
      if (!Files.isRegularFile(given)) {
        throw new IOException("model spec not found: " + given.toAbsolutePath());
      }
      return given;
    }
  }

  /** {@code camstream models fetch}. */
  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Download the model's official archive, extract the listed files and check every sha256."
          + " Files that do not match are deleted.")
  static final class Fetch extends Base {
    @Option(names = "--url", paramLabel = "URL",
        description = "Fetch from this mirror or local copy (http, https or file:) instead of the spec's url;"
            + " the sha256 from the spec still apply.")
    URI url;

    @Override
    int run(ModelSource source, Path modelsDir) throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      ModelSource from = url == null ? source : new ModelSource(url, source.archiveDir(), source.sha256());
      Path installed = new ModelFetcher(System.err).fetch(from, modelsDir);
      out.println(installed);
      out.flush();
      return 0;
    }
  }

  /** {@code camstream models verify}. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check installed model files against the sha256 in the spec; exit code 1 if any is missing or"
          + " differs.")
  static final class Verify extends Base {
    @Override
    int run(ModelSource source, Path modelsDir) throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Path modelDir = modelsDir.resolve(source.archiveDir());
      List<FileCheck> checks = ModelFetcher.verify(source, modelDir);
      for (FileCheck c : checks) {
        String status = c.ok() ? "OK      " : c.actual() == null ? "MISSING " : "MISMATCH";
        out.println(status + " " + modelDir.resolve(c.file())
            + (c.ok() || c.actual() == null ? "" : " expected " + c.expected() + " got " + c.actual()));
      }
      out.flush();
      return checks.stream().allMatch(FileCheck::ok) ? 0 : 1;
    }
  }

  /** {@code camstream models spec DIR}. */
  @Command(name = "spec", mixinStandardHelpOptions = true,
      description = "Write a model spec YAML from the configs a Paddle toolkit exported next to the model"
          + " (PaddleClas inference.yml, PaddleDetection infer_cfg.yml, PaddleSeg deploy.yaml, PaddleOCR folder"
          + " names). Entries it cannot map are listed on stderr.")
  static final class SpecFromExport implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "DIR", description = "The exported model folder.")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE",
        description = "Where to write the spec (default: DIR/camstream.yaml; - for stdout).")
    String outFile;

    @Option(names = "--id", description = "Model id (default: the folder name).")
    String id;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        io.camstream.model.ExportedConfigs.Result r = io.camstream.model.ExportedConfigs.fromDir(dir, id);
        String yaml = r.yaml();
        if ("-".equals(outFile)) {
          spec.commandLine().getOut().print(yaml);
        } else {
          Path target = outFile != null ? Path.of(outFile) : dir.resolve("camstream.yaml");
          if (outFile == null) {
            // files.dir "." is relative to the spec: right beside the model
            Files.writeString(target, yaml);
          } else {
            Files.writeString(target, yaml.replace("dir: \".\"", "dir: \"" + dir.toAbsolutePath().normalize()
                + "\""));
          }
          spec.commandLine().getOut().println("wrote " + target + " (" + r.toolkit() + ")");
        }
        for (String u : r.unmapped()) {
          err.println("not mapped: " + u);
        }
        spec.commandLine().getOut().flush();
        err.flush();
        return 0;
      } catch (IOException e) {
        err.println("camstream models spec: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
  }
}
