package io.camstream.cli;

import io.camstream.engine.EngineOptions;
import io.camstream.engine.ModelRuntime;
import io.camstream.engine.ProgramCache;
import io.camstream.model.ExplainProgram;
import io.camstream.model.ExplainProgramBuilder;
import io.camstream.model.ModelSpec;
import io.camstream.model.ProgramGraph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code camstream layers}: every 4-D activation between the input and the output, with its real shape for the
 * spec's input size (measured by running the program once, in a child process) and the op that makes it.
 */
@Command(name = "layers", mixinStandardHelpOptions = true,
    description = "List the 4-D activations a heatmap can be taken from; * marks the default target layer.")
public final class LayersCommand implements Callable<Integer> {

  @Mixin ModelOption model;

  @Option(names = "--shared", description = "The shared folder (default: ../shared).")
  Path shared;

  @Option(names = "--cache", description = "Generated-program cache (default: ~/.cache/camstream).")
  Path cacheDir;

  @Option(names = "--height", description = "Input height (default: the spec's).")
  Integer height;

  @Option(names = "--width", description = "Input width (default: the spec's).")
  Integer width;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ModelSpec ms = model.load();
    Path sharedDir = shared != null ? shared : io.camstream.io.SharedDir.locate().root();
    ModelRuntime rt = new ModelRuntime(ms, sharedDir, EngineOptions.defaults());
    ProgramGraph g = rt.graph();
    String target = rt.target();
    List<ProgramGraph.Activation> acts = g.activations4d(target);
    List<String> names = acts.stream().map(ProgramGraph.Activation::name).toList();
    ExplainProgram probe = ExplainProgramBuilder.forward(g, names);
    int h = height != null ? height : ms.input().height();
    int w = width != null ? width : ms.input().width();
    Map<String, String> feeds = new LinkedHashMap<>();
    feeds.put(g.feeds().get(0), "1x3x" + h + "x" + w);
    ProgramCache cache = new ProgramCache(cacheDir != null ? cacheDir : ProgramCache.defaultRoot());
    // the probe is a generated program like any other: cached, and run only in a child process
    Path probeDir = cache.materialise(rt.sha256(), "layers-" + h + "x" + w, probe,
        rt.modelDir().resolve(ms.files().params()), feeds);
    Map<String, long[]> shapes = cache.verified(probeDir).fetchShapes();
    String dflt = rt.defaultLayer();
    PrintWriter out = spec.commandLine().getOut();
    // shapes come from running the probe program, always on Paddle and in a child process (see ProgramCache)
    out.printf("model %s (%s), input 1x3x%dx%d, %d activations, target %s, shapes from engine paddle%n", ms.key(),
        rt.spec().task(), h, w, acts.size(), target);
    out.println("(" + rt.targets().how() + ")");
    int nameWidth = names.stream().mapToInt(String::length).max().orElse(10);
    for (ProgramGraph.Activation a : acts) {
      boolean isDefault = a.name().equals(dflt);
      out.printf("%s %-" + nameWidth + "s  %-18s  %s%n", isDefault ? "*" : " ", a.name(),
          Arrays.toString(shapes.getOrDefault(a.name(), a.declaredDims())), a.opType());
    }
    if (ms.targetLayer() == null) {
      out.println("(the spec names no target layer; * is the last map larger than 1x1)");
    }
    out.flush();
    return 0;
  }
}
