package io.camstream.model;

import io.camstream.model.proto.Framework.ProgramDesc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes Paddle {@code .pdmodel} files (a serialised {@code ProgramDesc}). */
public final class ProgramIO {

  private ProgramIO() {}

  public static ProgramDesc read(Path pdmodel) throws IOException {
    try (InputStream in = Files.newInputStream(pdmodel)) {
      return ProgramDesc.parseFrom(in);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException(pdmodel + " is not a Paddle program (ProgramDesc): " + e.getMessage(), e);
    }
  }

  /** Writes atomically, so a reader never sees a half-written program. */
  public static void write(ProgramDesc program, Path pdmodel) throws IOException {
    Path tmp = pdmodel.resolveSibling(pdmodel.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      program.writeTo(out);
    }
    Files.move(tmp, pdmodel, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
