package io.github.dysession.config;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * Checks that the APIs dysession needs besides Servlet are visible to the application (CDI,
 * MicroProfile Config, JSON-B with an implementation), and says how to add the missing ones on the
 * server at hand. Servers that make them optional (Open Liberty features, TomEE flavours) otherwise
 * fail with a bare {@code NoClassDefFoundError} deep inside the CDI implementation.
 */
public final class RequiredApis {

  /** One API dysession needs, with the Open Liberty feature that provides it. */
  enum Api {
    CDI("CDI", "jakarta.enterprise", "jakarta.enterprise.inject.spi.CDI", "cdi-4.0"),
    MICROPROFILE_CONFIG(
        "MicroProfile Config",
        "org.eclipse.microprofile.config",
        "org.eclipse.microprofile.config.ConfigProvider",
        "mpConfig-3.1"),
    JSON_B("JSON-B", "jakarta.json.bind", "jakarta.json.bind.spi.JsonbProvider", "jsonb-3.0");

    private final String title;
    private final String packageName;
    private final String className;
    private final String libertyFeature;

    Api(String title, String packageName, String className, String libertyFeature) {
      this.title = title;
      this.packageName = packageName;
      this.className = className;
      this.libertyFeature = libertyFeature;
    }

    String className() {
      return className;
    }
  }

  /** The Open Liberty features dysession needs, as a user puts them into server.xml. */
  static final List<String> LIBERTY_FEATURES =
      List.of("servlet-6.0", "cdi-4.0", "jsonb-3.0", "mpConfig-3.1");

  private RequiredApis() {}

  /**
   * Returns a message naming every API that {@code loader} cannot see (or, for JSON-B, for which it
   * finds no implementation) and how to add it on this server, or null when all are there.
   *
   * @param loader the loader of dysession's classes in the application
   * @param includeCdi whether to check CDI too (the CDI extension runs only where CDI is there)
   */
  public static String problem(ClassLoader loader, boolean includeCdi) {
    List<Api> missing = missing(loader, includeCdi);
    return missing.isEmpty() ? null : message(missing, isOpenLiberty(loader));
  }

  static List<Api> missing(ClassLoader loader, boolean includeCdi) {
    Predicate<String> visible =
        name -> {
          try {
            Class.forName(name, false, loader);
            return true;
          } catch (ClassNotFoundException | LinkageError e) {
            return false;
          }
        };
    List<Api> missing = new ArrayList<>();
    for (Api api : Api.values()) {
      if (api == Api.CDI && !includeCdi) {
        continue;
      }
      if (!visible.test(api.className) || (api == Api.JSON_B && !hasJsonbProvider(loader))) {
        missing.add(api);
      }
    }
    return missing;
  }

  /**
   * Whether {@code JsonbProvider.provider()} (as {@code loader} sees it) finds an implementation,
   * with the thread's context class loader as it is (Open Liberty's, which sees its JSON-B
   * feature's provider; its module loader does not) or else with {@code loader} as context loader.
   */
  private static boolean hasJsonbProvider(ClassLoader loader) {
    if (jsonbProviderFound(loader)) {
      return true;
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    if (previous == loader) {
      return false;
    }
    try {
      thread.setContextClassLoader(loader);
      return jsonbProviderFound(loader);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static boolean jsonbProviderFound(ClassLoader loader) {
    try {
      Class<?> provider = Class.forName(Api.JSON_B.className, false, loader);
      return provider.getMethod("provider").invoke(null) != null;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return false;
    }
  }

  /** Open Liberty defines application classes with its {@code com.ibm.ws.classloading} loaders. */
  static boolean isOpenLiberty(ClassLoader loader) {
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l.getClass().getName().startsWith("com.ibm.ws.classloading.")) {
        return true;
      }
    }
    return false;
  }

  static String message(List<Api> missing, boolean openLiberty) {
    StringJoiner apis = new StringJoiner(" and ");
    StringJoiner features = new StringJoiner(" ");
    for (Api api : missing) {
      apis.add(api.title + " (" + api.packageName + ")");
      features.add("<feature>" + api.libertyFeature + "</feature>");
    }
    String what =
        "dysession cannot store this application's sessions: "
            + apis
            + " "
            + (missing.size() == 1 ? "is" : "are")
            + " not available to the application";
    if (openLiberty) {
      return what
          + " on Open Liberty. Add "
          + features
          + " to the <featureManager> of server.xml "
          + "(dysession needs the features "
          + String.join(", ", LIBERTY_FEATURES)
          + ", or their Jakarta EE 11 versions).";
    }
    return what
        + ". Enable them on the server (Open Liberty: "
        + features
        + " in server.xml; "
        + "TomEE: the 'microprofile' distribution has MicroProfile Config).";
  }
}
