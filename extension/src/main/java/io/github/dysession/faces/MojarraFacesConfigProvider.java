package io.github.dysession.faces;

import com.sun.faces.spi.FacesConfigResourceProvider;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Collection;
import java.util.List;

/**
 * Names dysession's faces-config document to Mojarra, which registers {@link SessionFlashFactory},
 * after defining the classes of the session-backed Flash.
 *
 * <p>Found by Mojarra's service-provider interface ({@code
 * META-INF/services/com.sun.faces.spi.FacesConfigResourceProvider}); Mojarra reads the documents it
 * names after those of the jars' {@code META-INF} and before the application's {@code
 * WEB-INF/faces-config.xml}, so an application's own flash factory still decorates this one.
 *
 * <p>The Flash's classes extend Faces types, and GlassFish and Payara take any such class in any of
 * an application's jars for Faces content: they would start Mojarra, with its servlet mappings, in
 * every application that has dysession. So the build keeps them as resources ({@code
 * mojarra/*.bytes}, not {@code .class} files), and this provider defines them in its own class
 * loader (the application's, where dysession is in {@code WEB-INF/lib}) before Mojarra looks the
 * factory up by name. Nothing else loads them: MyFaces never reads this provider.
 */
public final class MojarraFacesConfigProvider implements FacesConfigResourceProvider {

  private static final String DOCUMENT = "faces-config.xml";

  /** The Flash's classes, nested classes before the classes that use them. */
  private static final List<String> FLASH_CLASSES =
      List.of(
          "FlashState$KeptMessage",
          "FlashState",
          "SessionFlash$Traversal",
          "SessionFlash",
          "SessionFlashFactory");

  private static boolean defined;

  /** Creates the provider; Mojarra calls this through {@link java.util.ServiceLoader}. */
  public MojarraFacesConfigProvider() {}

  /** Defines the Flash's classes and returns the location of dysession's faces-config document. */
  @Override
  public Collection<URI> getResources(ServletContext context) {
    defineFlashClasses();
    URL document = MojarraFacesConfigProvider.class.getResource(DOCUMENT);
    if (document == null) {
      throw new IllegalStateException(
          "dysession's jar lacks io/github/dysession/faces/" + DOCUMENT + ": rebuild the jar");
    }
    try {
      return List.of(document.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(
          "dysession's faces-config document has no URI: " + document, e);
    }
  }

  /** Defines the Flash's classes in this class's loader, once per loader. */
  static synchronized void defineFlashClasses() {
    if (defined) {
      return;
    }
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    for (String name : FLASH_CLASSES) {
      String resource = "mojarra/" + name + ".bytes";
      try (InputStream in = MojarraFacesConfigProvider.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "dysession's jar lacks io/github/dysession/faces/" + resource + ": rebuild the jar");
        }
        lookup.defineClass(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read dysession's " + resource, e);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("Cannot define dysession's " + name, e);
      } catch (LinkageError e) {
        // Defined already in this loader (by an earlier provider instance of another loader's
        // view of this one): keep it.
        if (!isLoaded(name)) {
          throw e;
        }
      }
    }
    defined = true;
  }

  private static boolean isLoaded(String name) {
    try {
      Class.forName(
          MojarraFacesConfigProvider.class.getPackageName() + "." + name,
          false,
          MojarraFacesConfigProvider.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
