package io.camstream.model;

import java.util.Comparator;
import java.util.List;

/** A layer name that is not a 4-D activation of the program; the message lists the nearest valid names. */
public class UnknownLayerException extends IllegalArgumentException {

  public UnknownLayerException(String layer, ProgramGraph g) {
    super("'" + layer + "' is not a 4-D activation of this model" + suggestions(layer, g)
        + "; run `camstream layers --model SPEC` for the full list");
  }

  private static String suggestions(String layer, ProgramGraph g) {
    if (g.fetches().isEmpty()) {
      return "";
    }
    List<String> names = g.activations4d(g.fetches().get(0)).stream().map(ProgramGraph.Activation::name)
        // a name the user typed the start of comes first, then the closest by edit distance
        .sorted(Comparator.comparing((String n) -> !n.startsWith(layer))
            .thenComparingInt(n -> distance(n, layer)).thenComparing(n -> n))
        .limit(3).toList();
    return names.isEmpty() ? "" : " (did you mean " + String.join(", ", names) + "?)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
