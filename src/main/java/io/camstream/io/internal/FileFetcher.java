package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
import io.camstream.policy.ImageAllowList;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code file:} URIs that resolve, symlinks included, inside one of the configured roots. */
final class FileFetcher {

  /** Real paths of the roots: where a file must really be. */
  private final List<Path> realRoots;
  /** The roots as written and as real paths: how a file may be named. */
  private final List<Path> namedRoots;
  private final long maxBytes;

  FileFetcher(List<Path> configuredRoots, long maxBytes) {
    List<Path> resolved = new ArrayList<>();
    for (Path root : configuredRoots) {
      try {
        // Real path of the root, so a root that is itself a symlink still matches its files' real paths.
        resolved.add(root.toAbsolutePath().toRealPath());
      } catch (IOException e) {
        // A root that does not exist (yet) allows nothing until it does; keep the lexical form for the check.
        resolved.add(root.toAbsolutePath().normalize());
      }
    }
    this.realRoots = List.copyOf(resolved);
    // The names a file may be given: under a root as written or under its real path (ImageAllowList).
    this.namedRoots = ImageAllowList.canonicalRoots(configuredRoots);
    this.maxBytes = maxBytes;
  }

  byte[] read(URI uri) throws ExplainException {
    String shown = AllowListImageSource.shortForm(uri.toString());
    if (uri.getRawAuthority() != null && !uri.getRawAuthority().equalsIgnoreCase("localhost")) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "file: URI with a remote host: " + shown);
    }
    if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getRawQuery() != null) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "malformed file: URI: " + shown);
    }
    Path lexical;
    try {
      lexical = Path.of(uri.getPath()).toAbsolutePath().normalize();
    } catch (RuntimeException e) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "malformed file: URI: " + shown);
    }
    // First the lexical check: a path outside the roots is refused without revealing whether it exists. A path named
    // through a symbolic link to a root (the link outside it) passes only on its real path, below.
    boolean named = under(namedRoots, lexical);
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      if (!named) {
        throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "file is outside the allowed image roots: " + shown);
      }
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "image file not found: " + shown);
    } catch (IOException e) {
      if (!named) {
        throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "file is outside the allowed image roots: " + shown);
      }
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "cannot resolve image file " + shown + ": " + e, e);
    }
    if (!named && !under(realRoots, real)) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "file is outside the allowed image roots: " + shown);
    }
    // Then the real path: a symlink inside a root must not lead outside it.
    if (!under(realRoots, real)) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "file resolves outside the allowed image roots: " + shown);
    }
    if (!Files.isRegularFile(real)) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "not a regular file: " + shown);
    }
    try (InputStream in = Files.newInputStream(real)) {
      return Bounded.readAll(in, maxBytes, shown);
    } catch (IOException e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "cannot read image file " + shown + ": " + e, e);
    }
  }

  private static boolean under(List<Path> roots, Path p) {
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return true;
      }
    }
    return false;
  }
}
