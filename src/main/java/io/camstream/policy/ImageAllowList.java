package io.camstream.policy;

import io.camstream.config.CamstreamConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which image URIs camstream may read, from the {@code image.*} config keys: the scheme must be enabled, a
 * {@code file:} path must lie under a configured root once {@code ..} is resolved, an {@code http(s):} host and an
 * {@code s3:} bucket must be listed, and a {@code data:} URI must stay under the size cap. The router checks this
 * lexically; whoever opens a file must also check the real path (symbolic links) with {@link #fileAllowed(Path)}.
 */
public final class ImageAllowList {

  private final Set<String> schemes;
  private final List<Path> roots;
  private final Set<String> hosts;
  private final Set<String> buckets;
  private final long dataMaxBytes;

  public ImageAllowList(CamstreamConfig config) {
    this.schemes = Set.copyOf(config.imageUriSchemes());
    this.roots = canonicalRoots(config.imageFileRoots());
    this.hosts = config.imageHttpHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    this.buckets = Set.copyOf(config.imageS3Buckets());
    this.dataMaxBytes = config.imageDataMaxBytes();
  }

  /**
   * Each root as written (absolute, normalised) and, when it exists, as its real path. Both, because a file may be
   * named either way: with {@code ../shared} a symbolic link, an event may name {@code /work/app/../shared/x.png}
   * (the root as configured) or the target's path (what a tool that resolves links writes), and both are the same
   * file. Whoever opens the file still checks its real path against the real roots.
   */
  public static List<Path> canonicalRoots(List<Path> configured) {
    java.util.LinkedHashSet<Path> out = new java.util.LinkedHashSet<>();
    for (Path root : configured) {
      Path abs = root.toAbsolutePath().normalize();
      out.add(abs);
      try {
        out.add(abs.toRealPath());
      } catch (java.io.IOException e) {
        // Not there (yet): only the written form counts until it exists.
      }
      try {
        // "a/link/../b" normalises lexically to "a/b", but the file system resolves the link first.
        out.add(root.toAbsolutePath().toRealPath());
      } catch (java.io.IOException e) {
        // as above
      }
    }
    return List.copyOf(out);
  }

  /** Why the URI may not be read, or empty when it may. */
  public Optional<String> violation(String uri) {
    if (uri == null || uri.isBlank()) {
      return Optional.of("image URI is empty");
    }
    int colon = uri.indexOf(':');
    String scheme = colon > 0 ? uri.substring(0, colon).toLowerCase(Locale.ROOT) : "";
    if (!schemes.contains(scheme)) {
      return Optional.of("image URI scheme '" + scheme + "' is not enabled (image.uri.schemes=" + schemes + ")");
    }
    if (scheme.equals("data")) {
      return dataViolation(uri);
    }
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      return Optional.of("image URI is malformed: " + e.getMessage());
    }
    if (u.getRawUserInfo() != null) {
      return Optional.of("image URI must not carry user info");
    }
    return switch (scheme) {
      case "file" -> fileViolation(u);
      case "http", "https" -> hostViolation(u);
      case "s3" -> bucketViolation(u);
      default -> Optional.of("image URI scheme '" + scheme + "' is not supported");
    };
  }

  /** True when the path (made absolute and normalised; resolve links first for a real check) is under a root. */
  public boolean fileAllowed(Path path) {
    Path p = path.toAbsolutePath().normalize();
    return roots.stream().anyMatch(p::startsWith);
  }

  private Optional<String> fileViolation(URI u) {
    if (u.isOpaque() || u.getPath() == null || !u.getPath().startsWith("/")) {
      return Optional.of("file: image URI must be absolute (file:///path)");
    }
    if (u.getHost() != null && !u.getHost().isEmpty() && !u.getHost().equalsIgnoreCase("localhost")) {
      return Optional.of("file: image URI must not name a host");
    }
    if (roots.isEmpty()) {
      return Optional.of("file: images are not allowed (image.file.roots is empty)");
    }
    if (!fileAllowed(Path.of(u.getPath())) && !reallyUnderRoot(Path.of(u.getPath()))) {
      return Optional.of("file " + Path.of(u.getPath()).normalize() + " is outside image.file.roots " + roots);
    }
    return Optional.empty();
  }

  /**
   * A file named through a symbolic link (say {@code /app/shared/x.png} with {@code shared} a link to the real
   * root): allowed when it exists here and its real path lies under a root. A router without the files mounted
   * simply does not get this second chance.
   */
  private boolean reallyUnderRoot(Path path) {
    try {
      return fileAllowed(path.toRealPath());
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  private Optional<String> hostViolation(URI u) {
    String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      return Optional.of("http(s) image URI has no host");
    }
    String hostPort = u.getPort() < 0 ? host : host + ":" + u.getPort();
    if (!hosts.contains(host) && !hosts.contains(hostPort)) {
      return Optional.of("host " + hostPort + " is not in image.http.hosts");
    }
    return Optional.empty();
  }

  private Optional<String> bucketViolation(URI u) {
    String bucket = u.getHost() == null ? "" : u.getHost();
    if (!buckets.contains(bucket)) {
      return Optional.of("s3 bucket '" + bucket + "' is not in image.s3.buckets");
    }
    return Optional.empty();
  }

  private Optional<String> dataViolation(String uri) {
    int comma = uri.indexOf(',');
    if (comma < 0) {
      return Optional.of("data: image URI has no payload");
    }
    String meta = uri.substring(5, comma).toLowerCase(Locale.ROOT);
    long payload = uri.length() - comma - 1L;
    long bytes = meta.endsWith(";base64") ? payload / 4 * 3 : payload;
    if (bytes > dataMaxBytes) {
      return Optional.of("data: image of about " + bytes + " bytes exceeds image.data.max.bytes=" + dataMaxBytes);
    }
    return Optional.empty();
  }
}
