package io.camstream.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedDirTest {

  @TempDir Path tmp;
  Path project;
  Path shared;

  @BeforeEach
  void layout() throws IOException {
    project = Files.createDirectories(tmp.resolve("camstream"));
    Files.writeString(project.resolve("pom.xml"), "<project/>");
    shared = Files.createDirectories(tmp.resolve("shared/models/m"));
    Files.writeString(shared.resolve("inference.pdmodel"), "x");
    shared = tmp.resolve("shared");
  }

  private static UnaryOperator<String> map(Map<String, String> m) {
    return m::get;
  }

  private static final UnaryOperator<String> NONE = k -> null;

  @Test
  void walksUpFromASubdirectoryToTheProjectRootAndTakesItsSibling() throws IOException {
    Path deep = Files.createDirectories(project.resolve("src/main/java"));
    SharedDir dir = SharedDir.locate(NONE, NONE, deep);
    assertThat(dir.root()).isEqualTo(shared);
    assertThat(dir.resolve("models/m/inference.pdmodel")).isEqualTo(shared.resolve("models/m/inference.pdmodel"));
  }

  @Test
  void systemPropertyWinsOverEnvironmentAndProject() throws IOException {
    Path other = Files.createDirectories(tmp.resolve("elsewhere"));
    SharedDir dir = SharedDir.locate(map(Map.of(SharedDir.PROPERTY, other.toString())),
        map(Map.of(SharedDir.ENV, shared.toString())), project);
    assertThat(dir.root()).isEqualTo(other);
  }

  @Test
  void environmentWinsOverProjectAndIsUsedAlone() {
    Path missing = tmp.resolve("typo");
    SharedDir dir = SharedDir.locate(NONE, map(Map.of(SharedDir.ENV, missing.toString())), project);
    assertThat(dir.root()).isEqualTo(missing);
    // an explicit but wrong setting must not silently fall back to ../shared
    assertThatThrownBy(() -> dir.resolve("models/m/inference.pdmodel"))
        .isInstanceOf(SharedDir.SharedFileNotFoundException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("environment CAMSTREAM_SHARED");
  }

  @Test
  void launcherHomePropertyFindsTheProjectFromAnyDirectory() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("users/home"));
    SharedDir dir = SharedDir.locate(map(Map.of(SharedDir.HOME_PROPERTY, project.toString())), NONE, outside);
    assertThat(dir.root()).isEqualTo(shared);
  }

  @Test
  void missingFileNamesEveryLocationTried() {
    SharedDir dir = SharedDir.locate(NONE, NONE, project);
    assertThatThrownBy(() -> dir.resolve("models/absent/inference.pdmodel"))
        .isInstanceOf(SharedDir.SharedFileNotFoundException.class)
        .hasMessageContaining("models/absent/inference.pdmodel")
        .hasMessageContaining(shared.toString())
        .hasMessageContaining("camstream.shared");
  }

  @Test
  void pathsMayNotClimbOutOfTheSharedFolder() {
    SharedDir dir = SharedDir.locate(NONE, NONE, project);
    assertThatThrownBy(() -> dir.resolve("../camstream/pom.xml")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dir.resolve("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withoutAnyProjectTheSiblingOfTheCurrentDirectoryIsNamed() throws IOException {
    Path lone = Files.createDirectories(tmp.resolve("lone"));
    // tmp itself must not be inside a Maven project for this to hold
    SharedDir dir = SharedDir.locate(NONE, NONE, lone);
    assertThat(dir.candidates()).hasSize(1);
    assertThat(dir.root()).isEqualTo(tmp.resolve("shared"));
  }

  @Test
  void thisCheckoutFindsTheRealSharedModels() {
    // the build runs in the project root, with ../shared beside it (README, CI)
    Path model = SharedDir.locate().resolve(
        "models/ch_ppocr_mobile_v2.0_cls_infer/inference.pdmodel");
    assertThat(model).isRegularFile();
  }

  @Test
  void projectRelativePathsResolveAgainstTheProjectRootWhenAbsentHere() throws IOException {
    String name = "specs-" + System.nanoTime();
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.createDirectories(project.resolve(name));
    String before = System.getProperty(SharedDir.HOME_PROPERTY);
    System.setProperty(SharedDir.HOME_PROPERTY, project.toString());
    try {
      assertThat(SharedDir.inProject(Path.of(name))).isEqualTo(project.resolve(name));
      assertThat(SharedDir.inProject(Path.of("nowhere-" + name))).isEqualTo(Path.of("nowhere-" + name));
      assertThat(SharedDir.inProject(tmp)).isEqualTo(tmp);
    } finally {
      if (before == null) {
        System.clearProperty(SharedDir.HOME_PROPERTY);
      } else {
        System.setProperty(SharedDir.HOME_PROPERTY, before);
      }
    }
  }
}
