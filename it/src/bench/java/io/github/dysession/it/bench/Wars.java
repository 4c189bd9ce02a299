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
 *       replication (run with {@code -Ddysession.enabled=false}).
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

  private Wars() {}

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
    return write(war, dir.resolve("dysession-it-memstore.war"), extra, Map.of());
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
            }));
  }

  private static Path write(
      Path war,
      Path target,
      Map<String, byte[]> extra,
      Map<String, java.util.function.UnaryOperator<byte[]>> transform) {
    try {
      Files.createDirectories(target.getParent());
      try (ZipFile in = new ZipFile(war.toFile());
          OutputStream file = Files.newOutputStream(target);
          ZipOutputStream out = new ZipOutputStream(file)) {
        Enumeration<? extends ZipEntry> entries = in.entries();
        while (entries.hasMoreElements()) {
          ZipEntry e = entries.nextElement();
          if (extra.containsKey(e.getName())) {
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
