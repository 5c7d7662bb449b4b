package io.camstream.model;

import io.camstream.io.AtomicFiles;
import io.camstream.model.proto.Framework.ProgramDesc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
    AtomicFiles.write(pdmodel, program::writeTo);
  }
}
