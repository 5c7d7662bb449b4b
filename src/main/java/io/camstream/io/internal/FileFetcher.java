package io.camstream.io.internal;

import io.camstream.explain.ExplainException;
import io.camstream.explain.ExplainException.Reason;
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

  private final List<Path> roots;
  private final long maxBytes;

  FileFetcher(List<Path> configuredRoots, long maxBytes) {
    List<Path> resolved = new ArrayList<>();
    for (Path root : configuredRoots) {
      Path abs = root.toAbsolutePath().normalize();
      try {
        // Real path of the root, so a root that is itself a symlink still matches its files' real paths.
        resolved.add(abs.toRealPath());
      } catch (IOException e) {
        // A root that does not exist (yet) allows nothing until it does; keep the lexical form for the check.
        resolved.add(abs);
      }
    }
    this.roots = List.copyOf(resolved);
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
    // First the lexical check: a path outside the roots is refused without revealing whether it exists.
    if (!underRoot(lexical)) {
      throw new ExplainException(Reason.IMAGE_NOT_ALLOWED, "file is outside the allowed image roots: " + shown);
    }
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "image file not found: " + shown);
    } catch (IOException e) {
      throw new ExplainException(Reason.IMAGE_UNREADABLE, "cannot resolve image file " + shown + ": " + e, e);
    }
    // Then the real path: a symlink inside a root must not lead outside it.
    if (!underRoot(real)) {
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

  private boolean underRoot(Path p) {
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return true;
      }
    }
    return false;
  }
}
