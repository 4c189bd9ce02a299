package io.github.dysession.faces;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.faces.context.FlashFactory;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MojarraFacesConfigProviderTest {

  @Test
  void getResources_definesTheFlashClasses_andNamesTheDocumentThatRegistersTheFactory()
      throws Exception {
    Collection<URI> documents = new MojarraFacesConfigProvider().getResources(null);

    assertThat(documents).hasSize(1);
    try (InputStream in = documents.iterator().next().toURL().openStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("<flash-factory>io.github.dysession.faces.SessionFlashFactory</flash-factory>");
    }
    Class<?> factory =
        Class.forName(
            "io.github.dysession.faces.SessionFlashFactory",
            false,
            MojarraFacesConfigProvider.class.getClassLoader());
    assertThat(FlashFactory.class).isAssignableFrom(factory);
    assertThat(factory.getConstructor(FlashFactory.class)).isNotNull();
    // A second configuration (another Mojarra application in this loader) defines nothing twice.
    assertThat(new MojarraFacesConfigProvider().getResources(null)).hasSize(1);
  }

  @Test
  void noClassFileOfTheJarExtendsAFacesType() throws Exception {
    Path classes =
        Path.of(
            MojarraFacesConfigProvider.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names =
          files
              .filter(f -> f.toString().endsWith(".class"))
              .map(f -> classes.relativize(f).toString())
              .filter(n -> !n.endsWith("package-info.class") && !n.startsWith("jakarta/"))
              .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
              .toList();
    }
    assertThat(names).contains(MojarraFacesConfigProvider.class.getName());
    List<String> facesTyped = new ArrayList<>();
    for (String name : names) {
      Class<?> type;
      try {
        type = Class.forName(name, false, MojarraFacesConfigProvider.class.getClassLoader());
      } catch (LinkageError | ClassNotFoundException optionalDependencyAbsent) {
        continue;
      }
      if (extendsFaces(type)) {
        facesTyped.add(name);
      }
    }
    assertThat(facesTyped)
        .as("classes extending Faces types make GlassFish and Payara start Mojarra everywhere")
        .isEmpty();
  }

  private static boolean extendsFaces(Class<?> type) {
    Deque<Class<?>> open = new ArrayDeque<>(List.of(type));
    while (!open.isEmpty()) {
      Class<?> next = open.pop();
      if (next.getName().startsWith("jakarta.faces.")) {
        return true;
      }
      if (next.getSuperclass() != null) {
        open.push(next.getSuperclass());
      }
      open.addAll(List.of(next.getInterfaces()));
    }
    return false;
  }
}
