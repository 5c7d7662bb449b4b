package io.camstream.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One session's file from ONNX Runtime's profiler, reduced to the time spent inside kernels: per run, and per op
 * type. Wall time also counts the waits for intra-op threads to wake and whatever else the machine runs; kernel time
 * is what a graph change moves, so on a shared machine it compares two graphs more steadily.
 *
 * @param runKernelMs kernel time of each counted run, in run order
 * @param opTypeMs kernel time per op type, mean over the counted runs, largest first
 */
public record OrtProfile(List<Double> runKernelMs, Map<String, Double> opTypeMs) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * @param file the JSON array of trace events ORT writes when a profiled session closes
   * @param skipRuns leading runs to leave out (warm-up)
   */
  public static OrtProfile read(Path file, int skipRuns) throws IOException {
    JsonNode events = MAPPER.readTree(file.toFile());
    if (events == null || !events.isArray()) {
      throw new IOException(file + " is not an ONNX Runtime profile (a JSON array of trace events)");
    }
    NavigableMap<Long, long[]> runs = new TreeMap<>(); // start -> {end, index}
    for (JsonNode e : events) {
      if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
        long ts = e.path("ts").asLong();
        runs.put(ts, new long[] {ts + e.path("dur").asLong(), 0});
      }
    }
    int index = 0;
    for (long[] r : runs.values()) {
      r[1] = index++;
    }
    int counted = Math.max(0, runs.size() - skipRuns);
    double[] perRun = new double[counted];
    Map<String, Double> byType = new TreeMap<>();
    for (JsonNode e : events) {
      if (!"Node".equals(e.path("cat").asText()) || !e.path("name").asText().endsWith("_kernel_time")) {
        continue;
      }
      long ts = e.path("ts").asLong();
      Map.Entry<Long, long[]> run = runs.floorEntry(ts);
      if (run == null || ts > run.getValue()[0] || run.getValue()[1] < skipRuns) {
        continue;
      }
      double ms = e.path("dur").asLong() / 1000.0;
      perRun[(int) (run.getValue()[1] - skipRuns)] += ms;
      byType.merge(e.path("args").path("op_name").asText("?"), ms / counted, Double::sum);
    }
    List<Double> kernels = new ArrayList<>(counted);
    for (double v : perRun) {
      kernels.add(v);
    }
    Map<String, Double> sorted = new java.util.LinkedHashMap<>();
    byType.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(x -> sorted.put(x.getKey(), x.getValue()));
    return new OrtProfile(List.copyOf(kernels), sorted);
  }
}
