package io.camstream.model;

import io.camstream.engine.ProgramCache;
import java.nio.file.Path;
import java.util.Map;

public class Scratch {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    ProgramGraph g = new ProgramGraph(ProgramIO.read(dir.resolve("inference.pdmodel")));
    ExplainProgram p = a[1].equals("cls")
        ? ExplainProgramBuilder.classification(g, a[2], "linear_1.tmp_1", g.fetches().get(0))
        : ExplainProgramBuilder.dense(g, a[2], g.fetches().get(0));
    System.out.println(p.feeds() + " -> " + p.fetches());
    ProgramCache c = new ProgramCache(Path.of("/tmp/pc"));
    String sha = ProgramCache.sha256(dir.resolve("inference.pdmodel"));
    Map<String, String> feeds = new java.util.LinkedHashMap<>();
    feeds.put("x", a[1].equals("cls") ? "1x3x48x192" : "1x3x64x96");
    feeds.put("camstream_seed", a[1].equals("cls") ? "1x2:zeros" : "1x1x64x96:zeros");
    if (!a[1].equals("cls")) feeds.put("camstream_threshold", "1x1x1x1:zeros");
    Path out = c.materialise(sha, "explain-" + a[2], p, dir.resolve("inference.pdiparams"), feeds);
    System.out.println(java.nio.file.Files.readString(out.resolve("verified")));
  }
}
