package io.camstream.engine;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Child-process entry point: loads a generated program and runs it once on deterministic inputs. A Paddle error
 * aborts only this process; the parent reads the exit code and stderr. Prints one {@code fetch NAME DIMS} line per
 * output, which is also how {@code camstream layers} learns real shapes.
 *
 * <p>Arguments: {@code DIR FETCH1,FETCH2,... FEED=d0xd1x...[:fill] ...} where fill is {@code random} (default),
 * {@code zeros} or {@code ones}.
 */
public final class TrialRun {

  private TrialRun() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    List<String> fetches = List.of(args[1].split(","));
    Map<String, long[]> dims = new LinkedHashMap<>();
    List<Blob> inputs = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      String[] nameRest = args[i].split("=", 2);
      String[] shapeFill = nameRest[1].split(":", 2);
      long[] shape = Arrays.stream(shapeFill[0].split("x")).mapToLong(Long::parseLong).toArray();
      String fill = shapeFill.length > 1 ? shapeFill[1] : "random";
      dims.put(nameRest[0], shape);
      inputs.add(new Blob(shape, fill(shape, fill, i)));
    }
    try (PaddleModel model = new PaddleModel(dir, Device.cpu(), dims, fetches, 1);
        Backend.Session s = model.newSession()) {
      Map<String, Blob> out = s.run(inputs);
      for (Map.Entry<String, Blob> e : out.entrySet()) {
        for (float v : e.getValue().data()) {
          if (!Float.isFinite(v)) {
            System.err.println("output " + e.getKey() + " has non-finite values");
            System.exit(3);
          }
        }
        System.out.println("fetch " + e.getKey() + " " + Arrays.toString(e.getValue().shape()));
      }
    }
    System.out.flush();
    System.exit(0);
  }

  private static float[] fill(long[] shape, String kind, int seed) {
    int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] v = new float[n];
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < n; i++) {
      v[i] = switch (kind) {
        case "zeros" -> 0f;
        case "ones" -> 1f;
        default -> r.nextFloat() * 2f - 1f;
      };
    }
    return v;
  }
}
