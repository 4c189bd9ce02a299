package io.github.dysession.it.bench;

import io.github.dysession.it.memstore.InMemoryStoreProducer;
import io.github.dysession.store.InMemorySessionStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The benchmark's WAR variants, made from the test WAR ({@code target/dysession-it.war}) so that
 * all of them run the very same application:
 *
 * <ul>
 *   <li><b>memstore</b>: plus {@code io.github.dysession.it.memstore} (the {@link
 *       InMemoryStoreProducer}, whose {@code @Produces @Dysession SessionStore} hands out an {@link
 *       InMemorySessionStore}, a class of the dysession jar in {@code WEB-INF/lib}): dysession with
 *       no network behind it;
 *   <li><b>hazelcast</b>: plus {@code <distributable/>} in {@code web.xml} and {@code
 *       persistence-type="hazelcast"} in {@code WEB-INF/payara-web.xml}: Payara's own session
 *       replication (run with {@code -Ddysession.enabled=false});
 *   <li><b>with another dysession jar</b> (of {@code bench.baseline}): the dysession jar in {@code
 *       WEB-INF/lib} replaced by another build of it, of the test WAR or of a variant above.
 * </ul>
 */
final class Wars {

  static final String PAYARA_WEB_XML =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <!-- Payara's own session replication through its Hazelcast data grid (benchmark variant). -->
      <payara-web-app>
        <session-config>
          <session-manager persistence-type="hazelcast"/>
        </session-config>
      </payara-web-app>
      """;

  /** The name of the dysession jar's entry in the test WAR: {@code WEB-INF/lib/dysession-*.jar}. */
  private static final java.util.regex.Pattern LIBRARY =
      java.util.regex.Pattern.compile("WEB-INF/lib/dysession-[0-9][^/]*\\.jar");

  private Wars() {}

  /** The file name of the dysession jar in {@code war}'s {@code WEB-INF/lib}. */
  static String libraryName(Path war) {
    String entry = libraryEntry(war);
    return entry.substring(entry.lastIndexOf('/') + 1);
  }

  /**
   * A copy of {@code war} named {@code name} in {@code dir} whose dysession jar is {@code jar}
   * instead (under its own file name); every other entry is the same.
   */
  static Path withLibrary(Path war, Path jar, Path dir, String name) {
    String entry = libraryEntry(war);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(jar);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the baseline jar " + jar, e);
    }
    Map<String, byte[]> extra = new LinkedHashMap<>();
    extra.put("WEB-INF/lib/" + jar.getFileName(), bytes);
    return write(war, dir.resolve(name), extra, Map.of(), entry::equals);
  }

  /** The bytes of the dysession jar in {@code war}'s {@code WEB-INF/lib}. */
  static byte[] libraryBytes(Path war) {
    String entry = libraryEntry(war);
    try (ZipFile zip = new ZipFile(war.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(entry))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + entry + " of " + war, e);
    }
  }

  private static String libraryEntry(Path war) {
    try (ZipFile zip = new ZipFile(war.toFile())) {
      List<String> found =
          zip.stream().map(ZipEntry::getName).filter(n -> LIBRARY.matcher(n).matches()).toList();
      if (found.size() != 1) {
        throw new IllegalStateException(
            war
                + " holds "
                + found
                + " in WEB-INF/lib; expected exactly one dysession-<version>.jar");
      }
      return found.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + war, e);
    }
  }

  static Path memstore(Path war, Path dir) {
    // Only the producer: the store it hands out comes with the dysession jar.
    Path classes = codeSource(InMemoryStoreProducer.class);
    String pkg = InMemoryStoreProducer.class.getPackageName().replace('.', '/');
    Map<String, byte[]> extra = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.toString().endsWith(".class")) {
          extra.put("WEB-INF/classes/" + pkg + "/" + f.getFileName(), Files.readAllBytes(f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (extra.isEmpty()) {
      throw new IllegalStateException("No classes of " + pkg + " under " + classes);
    }
    return write(war, dir.resolve("dysession-it-memstore.war"), extra, Map.of(), n -> false);
  }

  static Path hazelcast(Path war, Path dir) {
    Map<String, byte[]> extra =
        Map.of("WEB-INF/payara-web.xml", PAYARA_WEB_XML.getBytes(StandardCharsets.UTF_8));
    return write(
        war,
        dir.resolve("dysession-it-hazelcast.war"),
        extra,
        Map.of(
            "WEB-INF/web.xml",
            webXml -> {
              String text = new String(webXml, StandardCharsets.UTF_8);
              int at = text.indexOf("</display-name>");
              if (at < 0) {
                throw new IllegalStateException(
                    "web.xml has no <display-name> to put <distributable/> after");
              }
              at += "</display-name>".length();
              return (text.substring(0, at) + "\n  <distributable/>" + text.substring(at))
                  .getBytes(StandardCharsets.UTF_8);
            }),
        n -> false);
  }

  private static Path write(
      Path war,
      Path target,
      Map<String, byte[]> extra,
      Map<String, java.util.function.UnaryOperator<byte[]>> transform,
      java.util.function.Predicate<String> drop) {
    try {
      Files.createDirectories(target.getParent());
      try (ZipFile in = new ZipFile(war.toFile());
          OutputStream file = Files.newOutputStream(target);
          ZipOutputStream out = new ZipOutputStream(file)) {
        Enumeration<? extends ZipEntry> entries = in.entries();
        while (entries.hasMoreElements()) {
          ZipEntry e = entries.nextElement();
          if (extra.containsKey(e.getName()) || drop.test(e.getName())) {
            continue;
          }
          out.putNextEntry(new ZipEntry(e.getName()));
          if (!e.isDirectory()) {
            try (InputStream data = in.getInputStream(e)) {
              byte[] bytes = data.readAllBytes();
              var t = transform.get(e.getName());
              out.write(t == null ? bytes : t.apply(bytes));
            }
          }
          out.closeEntry();
        }
        for (Map.Entry<String, byte[]> e : extra.entrySet()) {
          out.putNextEntry(new ZipEntry(e.getKey()));
          out.write(e.getValue());
          out.closeEntry();
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot build " + target + " from " + war, e);
    }
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
