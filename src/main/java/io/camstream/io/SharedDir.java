package io.camstream.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The shared folder that holds models and sample images outside the repository.
 *
 * <p>Resolution order: the system property {@value #PROPERTY}, else the environment variable {@value #ENV}, else the
 * sibling {@code shared} of the project root. An explicit setting is used alone, so a typo in it is reported instead
 * of silently falling back to another folder. The project root is the directory named by the system property
 * {@value #HOME_PROPERTY} (set by the {@code ./camstream} launcher, so any working directory works), else the first
 * directory holding a {@code pom.xml}, from the current directory upwards.
 */
public final class SharedDir {

  /** System property naming the shared folder. */
  public static final String PROPERTY = "camstream.shared";
  /** Environment variable naming the shared folder. */
  public static final String ENV = "CAMSTREAM_SHARED";
  /** System property naming the project root; the launcher sets it. */
  public static final String HOME_PROPERTY = "camstream.home";

  /** One place the shared folder may be, and why it was considered. */
  public record Candidate(Path dir, String origin) {
    @Override
    public String toString() {
      return dir + " (" + origin + ")";
    }
  }

  private final List<Candidate> candidates;

  private SharedDir(List<Candidate> candidates) {
    this.candidates = List.copyOf(candidates);
  }

  /** Locates the shared folder from this process's system properties, environment and working directory. */
  public static SharedDir locate() {
    return locate(System::getProperty, System::getenv, Path.of("").toAbsolutePath());
  }

  /**
   * Locates the shared folder from the given lookups; the seam that tests use.
   *
   * @param properties system property lookup (null when unset)
   * @param env environment lookup (null when unset)
   * @param cwd the directory relative paths start from
   */
  public static SharedDir locate(UnaryOperator<String> properties, UnaryOperator<String> env, Path cwd) {
    Path base = cwd.toAbsolutePath().normalize();
    String property = blankToNull(properties.apply(PROPERTY));
    if (property != null) {
      return new SharedDir(List.of(new Candidate(base.resolve(property).normalize(), "system property " + PROPERTY)));
    }
    String fromEnv = blankToNull(env.apply(ENV));
    if (fromEnv != null) {
      return new SharedDir(List.of(new Candidate(base.resolve(fromEnv).normalize(), "environment " + ENV)));
    }
    List<Candidate> found = new ArrayList<>();
    String home = blankToNull(properties.apply(HOME_PROPERTY));
    if (home != null) {
      addSibling(found, base.resolve(home).normalize(), "beside project root " + HOME_PROPERTY);
    }
    projectRoot(base).ifPresent(root -> addSibling(found, root, "beside project root " + root));
    if (found.isEmpty()) {
      // No project around: still name a concrete place, so errors and `models fetch` have a target.
      found.add(new Candidate(base.resolveSibling("shared").normalize(), "no pom.xml above " + base));
    }
    return new SharedDir(found);
  }

  /**
   * A project-relative path (such as the default {@code models}) as the user means it: relative to the working
   * directory when it exists there, else relative to the project root ({@value #HOME_PROPERTY}, set by the
   * launcher, or the nearest {@code pom.xml} above), so {@code ./camstream} works from any directory.
   */
  public static Path inProject(Path path) {
    if (path.isAbsolute() || Files.exists(path)) {
      return path;
    }
    String home = blankToNull(System.getProperty(HOME_PROPERTY));
    Optional<Path> root = home != null ? Optional.of(Path.of(home))
        : projectRoot(Path.of("").toAbsolutePath());
    return root.map(r -> r.resolve(path)).filter(Files::exists).orElse(path);
  }

  /** The first directory at or above {@code start} that holds a {@code pom.xml}. */
  static Optional<Path> projectRoot(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** The shared folder: the first candidate that exists, else the preferred one (which may not exist yet). */
  public Path root() {
    return candidates.stream().map(Candidate::dir).filter(Files::isDirectory).findFirst()
        .orElse(candidates.get(0).dir());
  }

  /** Every location considered, in order. */
  public List<Candidate> candidates() {
    return candidates;
  }

  /**
   * Resolves a path inside the shared folder, e.g. {@code models/ch_ppocr_mobile_v2.0_cls_infer/inference.pdmodel}.
   *
   * @throws IllegalArgumentException if the path is absolute or climbs out of the shared folder
   * @throws SharedFileNotFoundException if the file is absent; the message names every location tried
   */
  public Path resolve(String relative) {
    Path rel = Path.of(relative).normalize();
    if (rel.isAbsolute() || rel.startsWith("..")) {
      throw new IllegalArgumentException("shared path must stay inside the shared folder: " + relative);
    }
    for (Candidate c : candidates) {
      Path p = c.dir().resolve(rel);
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new SharedFileNotFoundException(relative, candidates);
  }

  private static void addSibling(List<Candidate> list, Path projectRoot, String origin) {
    Path parent = projectRoot.getParent();
    if (parent == null) {
      return;
    }
    Path dir = parent.resolve("shared");
    if (list.stream().noneMatch(c -> c.dir().equals(dir))) {
      list.add(new Candidate(dir, origin));
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** A file that is in none of the shared folder's candidate locations. */
  public static final class SharedFileNotFoundException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SharedFileNotFoundException(String relative, List<Candidate> tried) {
      super("shared file '" + relative + "' not found; looked in: " + tried
          + ". Set -D" + PROPERTY + "=DIR or " + ENV + "=DIR to the folder that holds models/ and images/,"
          + " or download a model with `camstream models fetch --spec SPEC`.");
    }
  }
}
