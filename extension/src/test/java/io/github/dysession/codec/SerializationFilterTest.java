package io.github.dysession.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.awt.Point;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputFilter.FilterInfo;
import java.io.ObjectInputFilter.Status;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Jsonb.close() declares Exception (so javac warns of InterruptedException); these tests close it.
@SuppressWarnings("try")
class SerializationFilterTest {

  private static final String GADGET_PACKAGE = "org.apache.commons.collections.functors";
  private static final String GADGET_CLASS = GADGET_PACKAGE + ".FakeTransformer";

  /** An application class, defined by the test class loader. */
  static final class AppPojo implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final ClassLoader appLoader = getClass().getClassLoader();
  private final SerializationFilter filter = new SerializationFilter(appLoader, List.of());

  /** A FilterInfo with the given values. */
  private record Info(
      Class<?> serialClass, long arrayLength, long depth, long references, long streamBytes)
      implements FilterInfo {}

  private static Info info(Class<?> type) {
    return new Info(type, -1, 1, 1, 100);
  }

  // ---------------------------------------------------------------- isAllowed

  @Test
  void isAllowed_whenClassIsFromJavaBase_allows() {
    assertThat(filter.isAllowed(String.class)).isTrue();
    assertThat(filter.isAllowed(Integer.class)).isTrue();
    assertThat(filter.isAllowed(ArrayList.class)).isTrue();
    assertThat(filter.isAllowed(HashMap.class)).isTrue();
    assertThat(filter.isAllowed(LocalDate.class)).isTrue();
  }

  @Test
  void isAllowed_whenClassIsFromJavaSql_allows() {
    assertThat(filter.isAllowed(Timestamp.class)).isTrue();
  }

  @Test
  void isAllowed_whenClassIsPrimitive_allows() {
    assertThat(filter.isAllowed(int.class)).isTrue();
    assertThat(filter.isAllowed(char.class)).isTrue();
  }

  @Test
  void isAllowed_whenClassIsFromOtherJdkModule_refuses() {
    assertThat(filter.isAllowed(Point.class)).isFalse();
  }

  @Test
  void isAllowed_whenClassIsConfigured_allows() {
    SerializationFilter configured = new SerializationFilter(appLoader, List.of("java.awt.Point"));
    assertThat(configured.isAllowed(Point.class)).isTrue();
    SerializationFilter byPackage = new SerializationFilter(appLoader, List.of("java.awt.*"));
    assertThat(byPackage.isAllowed(Point.class)).isTrue();
    SerializationFilter other = new SerializationFilter(appLoader, List.of("java.awt.Rectangle"));
    assertThat(other.isAllowed(Point.class)).isFalse();
  }

  @Test
  void isAllowed_whenClassIsDefinedByApplicationLoader_allows() {
    assertThat(filter.isAllowed(AppPojo.class)).isTrue();
    assertThat(filter.isAllowed(getClass())).isTrue();
  }

  @Test
  void isAllowed_whenClassIsFromUnrelatedLoader_refuses() {
    SerializationFilter unrelated = new SerializationFilter(new ClassLoader(null) {}, List.of());
    assertThat(unrelated.isAllowed(AppPojo.class)).isFalse();
    // JDK classes of java.base are still fine.
    assertThat(unrelated.isAllowed(String.class)).isTrue();
  }

  @Test
  void isAllowed_whenApplicationLoaderIsNull_refusesApplicationClasses() {
    SerializationFilter noLoader = new SerializationFilter(null, List.of());
    assertThat(noLoader.isAllowed(AppPojo.class)).isFalse();
    assertThat(noLoader.isAllowed(String.class)).isTrue();
  }

  /**
   * A loader like Open Liberty's ThreadContextClassLoader: it resolves every class through {@code
   * delegate} but is neither the defining loader of those classes nor one of their ancestors.
   */
  private static ClassLoader wrapperOf(ClassLoader delegate) {
    return new ClassLoader(null) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        return delegate.loadClass(name);
      }
    };
  }

  @Test
  void
      isAllowed_whenApplicationLoaderIsAWrapperThatSeesThisDysession_allowsItsDefiningLoadersClasses(
          @TempDir Path dir) throws Exception {
    ClassLoader wrapper = wrapperOf(appLoader);
    assertThat(AppPojo.class.getClassLoader()).isNotSameAs(wrapper);
    SerializationFilter liberty = new SerializationFilter(wrapper, List.of());
    assertThat(liberty.isAllowed(AppPojo.class)).isTrue();
    assertThat(liberty.isAllowed(SerializationFilter.class)).isTrue();
    try (URLClassLoader child = compile(dir, "com.example.wrapped", "Widget", appLoader)) {
      assertThat(liberty.isAllowed(child.loadClass("com.example.wrapped.Widget"))).isTrue();
    }
    // The rest of the rules still apply.
    assertThat(liberty.isAllowed(Point.class)).isFalse();
    assertThat(liberty.isAllowed(String.class)).isTrue();
  }

  @Test
  void isAllowed_whenApplicationLoaderSeesAnotherCopyOfDysession_refusesThisCopysLoader()
      throws Exception {
    URL ownClasses = SerializationFilter.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader otherCopy = new URLClassLoader(new URL[] {ownClasses}, null)) {
      assertThat(otherCopy.loadClass(SerializationFilter.class.getName()))
          .isNotSameAs(SerializationFilter.class);
      SerializationFilter other = new SerializationFilter(wrapperOf(otherCopy), List.of());
      assertThat(other.isAllowed(AppPojo.class)).isFalse();
    }
  }

  @Test
  void decode_whenCodecLoaderIsAWrapperOfTheApplicationsLoader_decodesApplicationClasses()
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(0x02);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new AppPojo());
    }
    try (Jsonb jsonb = JsonbBuilder.create()) {
      AttributeCodec codec = new AttributeCodec(jsonb, wrapperOf(appLoader), List.of());
      assertThat(codec.decode("pojo", bytes.toByteArray())).isInstanceOf(AppPojo.class);
    }
  }

  @Test
  void isAllowed_whenClassIsDefinedByChildOfApplicationLoader_allows(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader child = compile(dir, "com.example.child", "Widget", appLoader)) {
      Class<?> widget = child.loadClass("com.example.child.Widget");
      assertThat(widget.getClassLoader()).isSameAs(child);
      assertThat(filter.isAllowed(widget)).isTrue();
    }
  }

  @Test
  void isAllowed_whenClassIsInDeniedPackage_refusesEvenIfConfigured(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader child = compile(dir, GADGET_PACKAGE, "FakeTransformer", appLoader)) {
      Class<?> gadget = child.loadClass(GADGET_CLASS);
      assertThat(filter.isAllowed(gadget)).isFalse();
      SerializationFilter configured =
          new SerializationFilter(
              appLoader, List.of(GADGET_CLASS, GADGET_PACKAGE + ".*", "org.apache.**", "*"));
      assertThat(configured.isAllowed(gadget)).isFalse();
      SerializationFilter ownLoader = new SerializationFilter(child, List.of("*"));
      assertThat(ownLoader.isAllowed(gadget)).isFalse();
    }
  }

  @Test
  void isAllowed_whenClassIsAServersFacesImplementationsState_allows_butNotItsKnownGadget(
      @TempDir Path dir) throws Exception {
    // Defined by a loader of the server's, unrelated to the application's.
    ClassLoader server = ClassLoader.getPlatformClassLoader();
    try (URLClassLoader mojarra =
            compile(dir.resolve("m"), "com.sun.faces.util", "StateMap", server);
        URLClassLoader myfaces =
            compile(dir.resolve("f"), "org.apache.myfaces.cdi.view", "Holder", server);
        URLClassLoader api = compile(dir.resolve("a"), "jakarta.faces.component", "Saver", server);
        URLClassLoader gadget =
            compile(
                dir.resolve("g"),
                "org.apache.myfaces.view.facelets.el",
                "ValueExpressionMethodExpression",
                server);
        URLClassLoader el =
            compile(dir.resolve("e"), "org.apache.el", "ValueExpressionImpl", server)) {
      assertThat(filter.isAllowed(mojarra.loadClass("com.sun.faces.util.StateMap"))).isTrue();
      assertThat(filter.isAllowed(myfaces.loadClass("org.apache.myfaces.cdi.view.Holder")))
          .isTrue();
      assertThat(filter.isAllowed(api.loadClass("jakarta.faces.component.Saver"))).isTrue();
      Class<?> refused =
          gadget.loadClass("org.apache.myfaces.view.facelets.el.ValueExpressionMethodExpression");
      assertThat(filter.isAllowed(refused)).isFalse();
      assertThat(
              new SerializationFilter(appLoader, List.of("org.apache.myfaces.**"))
                  .isAllowed(refused))
          .isFalse();
      // The EL implementation is not Faces state.
      assertThat(filter.isAllowed(el.loadClass("org.apache.el.ValueExpressionImpl"))).isFalse();
    }
  }

  @Test
  void isAllowed_whenClassIsACdiImplementationsSerializedForm_allows_butNotItsInterceptorChains(
      @TempDir Path dir) throws Exception {
    // What MyFaces's view-scope holders hold on Open Liberty (Weld) and TomEE (OpenWebBeans),
    // defined
    // by server loaders the application's is unrelated to.
    ClassLoader server = ClassLoader.getPlatformClassLoader();
    List<String> allowed =
        List.of(
            "org.jboss.weld.injection.attributes.InferringFieldInjectionPointAttributes",
            "org.jboss.weld.annotated.slim.unbacked.UnbackedMemberIdentifier",
            "org.jboss.weld.event.EventImpl$SerializationProxy",
            "org.apache.webbeans.intercept.ApplicationScopedBeanInterceptorHandler",
            "org.apache.webbeans.context.creational.CreationalContextImpl",
            "jakarta.enterprise.context.Destroyed");
    List<String> refused =
        List.of(
            "org.jboss.weld.interceptor.proxy.InterceptorMethodHandler",
            "org.jboss.interceptor.proxy.InterceptorMethodHandler",
            "org.apache.webbeans.intercept.DefaultInterceptorHandler");
    int n = 0;
    for (String name : allowed) {
      try (URLClassLoader loader = compile(dir.resolve("a" + n++), name, server)) {
        assertThat(filter.isAllowed(loader.loadClass(name))).as(name).isTrue();
      }
    }
    SerializationFilter configured =
        new SerializationFilter(
            appLoader, List.of("org.jboss.**", "org.apache.webbeans.intercept.*"));
    for (String name : refused) {
      try (URLClassLoader loader = compile(dir.resolve("r" + n++), name, server)) {
        Class<?> type = loader.loadClass(name);
        assertThat(filter.isAllowed(type)).as(name).isFalse();
        assertThat(configured.isAllowed(type))
            .as("%s with org.jboss.** allowed", name)
            .isEqualTo(name.startsWith("org.apache.webbeans."));
      }
    }
  }

  @Test
  void decode_whenAServersObjectHoldsAClassOnlyItsOwnLoaderSees_resolvesItThere(@TempDir Path dir)
      throws Exception {
    // The server's module defines a holder (visible to the application, as Liberty exports
    // MyFaces's
    // CDI package) and an internal class the application's loader cannot see.
    Path classes = dir.resolve("classes");
    compileSources(
        classes,
        java.util.Map.of(
            "org.apache.myfaces.cdi.view.Holder",
                "package org.apache.myfaces.cdi.view;\n"
                    + "public class Holder implements java.io.Serializable {\n"
                    + "  private static final long serialVersionUID = 1L;\n"
                    + "  public Object inner = new org.apache.myfaces.internal.Secret();\n"
                    + "}\n",
            "org.apache.myfaces.internal.Secret",
                "package org.apache.myfaces.internal;\n"
                    + "public class Secret implements java.io.Serializable {\n"
                    + "  private static final long serialVersionUID = 1L;\n"
                    + "}\n"));
    try (URLClassLoader module =
            new URLClassLoader(
                new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Jsonb jsonb = JsonbBuilder.create()) {
      ClassLoader application =
          new ClassLoader(appLoader) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve)
                throws ClassNotFoundException {
              if (name.startsWith("org.apache.myfaces.cdi.")) {
                return module.loadClass(name);
              }
              if (name.startsWith("org.apache.myfaces.")) {
                throw new ClassNotFoundException(name);
              }
              return super.loadClass(name, resolve);
            }
          };
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(0x02);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(
            module.loadClass("org.apache.myfaces.cdi.view.Holder").getConstructor().newInstance());
      }
      Object decoded =
          new AttributeCodec(jsonb, application, List.of()).decode("holder", bytes.toByteArray());
      Object inner = decoded.getClass().getField("inner").get(decoded);
      assertThat(inner.getClass().getName()).isEqualTo("org.apache.myfaces.internal.Secret");
      assertThat(inner.getClass().getClassLoader()).isSameAs(module);
    }
  }

  @Test
  void decode_whenOnlyTheFrameworksLoaderSeesAClass_resolvesItThere(@TempDir Path dir)
      throws Exception {
    // Weld's conversation map on Open Liberty: a JDK map of Weld classes the application cannot
    // load.
    Path classes = dir.resolve("classes");
    compileSources(
        classes,
        java.util.Map.of(
            "org.jboss.weld.contexts.conversation.FakeConversation",
            "package org.jboss.weld.contexts.conversation;\n"
                + "public class FakeConversation implements java.io.Serializable {\n"
                + "  private static final long serialVersionUID = 1L;\n"
                + "}\n"));
    try (URLClassLoader weld =
            new URLClassLoader(
                new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Jsonb jsonb = JsonbBuilder.create()) {
      HashMap<String, Object> conversations = new HashMap<>();
      conversations.put(
          "1",
          weld.loadClass("org.jboss.weld.contexts.conversation.FakeConversation")
              .getConstructor()
              .newInstance());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(0x02);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(conversations);
      }
      assertThatThrownBy(
              () ->
                  new AttributeCodec(jsonb, appLoader, List.of()).decode("c", bytes.toByteArray()))
          .isInstanceOf(CodecException.class);
      List<String> allowed = List.of("org.jboss.weld.contexts.conversation.*");
      Object decoded =
          new AttributeCodec(jsonb, appLoader, allowed, List.of(weld))
              .decode("c", bytes.toByteArray());
      assertThat(((java.util.Map<?, ?>) decoded).get("1").getClass().getClassLoader())
          .isSameAs(weld);
    }
  }

  @Test
  void refusal_namesTheExactPatternToAdd() {
    SerializationFilter.Recorder recorder = filter.recorder();
    assertThat(recorder.checkInput(info(Point.class))).isEqualTo(Status.REJECTED);
    assertThat(recorder.rejection())
        .contains(
            "dysession.serialization.allowed-classes: java.awt.Point, or java.awt.* for its"
                + " package");
  }

  @Test
  void decode_whenClassIsInDeniedPackage_refusesEvenIfConfigured(@TempDir Path dir)
      throws Exception {
    try (URLClassLoader child = compile(dir, GADGET_PACKAGE, "FakeTransformer", appLoader);
        Jsonb jsonb = JsonbBuilder.create()) {
      Object gadget = child.loadClass(GADGET_CLASS).getConstructor().newInstance();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(0x02);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(gadget);
      }
      AttributeCodec codec = new AttributeCodec(jsonb, child, List.of(GADGET_PACKAGE + ".*"));
      assertThatThrownBy(() -> codec.decode("gadget", bytes.toByteArray()))
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("'gadget'")
          .hasMessageContaining("allow-list");
      // The same kind of class outside the denied packages is the application's own and decodes.
      try (URLClassLoader other =
          compile(dir.resolve("ok"), "com.example.ok", "FakeTransformer", appLoader)) {
        Object harmless =
            other.loadClass("com.example.ok.FakeTransformer").getConstructor().newInstance();
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        ok.write(0x02);
        try (ObjectOutputStream out = new ObjectOutputStream(ok)) {
          out.writeObject(harmless);
        }
        AttributeCodec okCodec = new AttributeCodec(jsonb, other, List.of());
        assertThat(okCodec.decode("harmless", ok.toByteArray()).getClass().getName())
            .isEqualTo("com.example.ok.FakeTransformer");
      }
    }
  }

  @Test
  void isAllowed_whenClassIsCdiProxyIdentifier_allowsEvenFromUnrelatedLoader() throws Exception {
    Class<?> identifier;
    try {
      identifier = Class.forName("org.jboss.weld.bean.StringBeanIdentifier", false, appLoader);
    } catch (ClassNotFoundException e) {
      assumeTrue(false, "Weld is not on the test class path");
      return;
    }
    SerializationFilter unrelated = new SerializationFilter(new ClassLoader(null) {}, List.of());
    assertThat(unrelated.isAllowed(identifier)).isTrue();
  }

  // ---------------------------------------------------------------- checkInput

  @Test
  void checkInput_whenClassIsAllowed_returnsAllowed() {
    assertThat(filter.checkInput(info(String.class))).isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(info(AppPojo.class))).isEqualTo(Status.ALLOWED);
  }

  @Test
  void checkInput_whenClassIsRefused_returnsRejected() {
    assertThat(filter.checkInput(info(Point.class))).isEqualTo(Status.REJECTED);
  }

  @Test
  void checkInput_whenNoClass_returnsUndecided() {
    assertThat(filter.checkInput(new Info(null, -1, 1, 1, 10))).isEqualTo(Status.UNDECIDED);
  }

  @Test
  void checkInput_whenArray_judgesComponentType() {
    assertThat(filter.checkInput(new Info(String[][].class, 3, 1, 1, 10)))
        .isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(new Info(int[].class, 3, 1, 1, 10))).isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(new Info(Point[].class, 3, 1, 1, 10))).isEqualTo(Status.REJECTED);
  }

  @Test
  void checkInput_whenDepthExceedsLimit_rejects() {
    assertThat(filter.checkInput(new Info(String.class, -1, 100, 1, 10))).isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(new Info(String.class, -1, 101, 1, 10)))
        .isEqualTo(Status.REJECTED);
    assertThat(filter.checkInput(new Info(null, -1, 101, 1, 10))).isEqualTo(Status.REJECTED);
  }

  @Test
  void checkInput_whenReferencesExceedLimit_rejects() {
    assertThat(filter.checkInput(new Info(String.class, -1, 1, 1_000_000, 10)))
        .isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(new Info(String.class, -1, 1, 1_000_001, 10)))
        .isEqualTo(Status.REJECTED);
  }

  @Test
  void checkInput_whenArrayIsTooLong_rejects() {
    assertThat(filter.checkInput(new Info(byte[].class, 16 * 1024 * 1024, 1, 1, 10)))
        .isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(new Info(byte[].class, 16 * 1024 * 1024 + 1, 1, 1, 10)))
        .isEqualTo(Status.REJECTED);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Compiles a tiny public Serializable class at run time and returns a child loader of {@code
   * parent} that defines it, so that test classes in foreign packages need no source file.
   */
  private static URLClassLoader compile(Path dir, String className, ClassLoader parent)
      throws Exception {
    int dot = className.lastIndexOf('.');
    String simple = className.substring(dot + 1);
    String pkg = className.substring(0, dot);
    int nested = simple.indexOf('$');
    String source =
        nested < 0
            ? "package "
                + pkg
                + ";\npublic class "
                + simple
                + " implements java.io.Serializable {}\n"
            : "package "
                + pkg
                + ";\npublic class "
                + simple.substring(0, nested)
                + " {\n  public static class "
                + simple.substring(nested + 1)
                + " implements java.io.Serializable {}\n}\n";
    Path classes = dir.resolve("classes");
    compileSources(
        classes,
        java.util.Map.of(
            nested < 0 ? className : className.substring(0, className.indexOf('$')), source));
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, parent);
  }

  /** Compiles sources (by class name) into {@code classes}. */
  private static void compileSources(Path classes, java.util.Map<String, String> sources)
      throws Exception {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assumeTrue(compiler != null, "no Java compiler available");
    Path src = classes.resolveSibling("src");
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
    for (var e : sources.entrySet()) {
      Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
      args.add(file.toString());
    }
    Files.createDirectories(classes);
    assertThat(compiler.run(null, null, null, args.toArray(String[]::new)))
        .as("javac exit code")
        .isZero();
  }

  private static URLClassLoader compile(Path dir, String pkg, String simpleName, ClassLoader parent)
      throws Exception {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assumeTrue(compiler != null, "no Java compiler available");
    Path src = dir.resolve("src").resolve(pkg.replace('.', '/')).resolve(simpleName + ".java");
    Path classes = dir.resolve("classes");
    Files.createDirectories(src.getParent());
    Files.createDirectories(classes);
    Files.writeString(
        src,
        "package "
            + pkg
            + ";\n"
            + "public class "
            + simpleName
            + " implements java.io.Serializable {\n"
            + "  private static final long serialVersionUID = 1L;\n"
            + "  public "
            + simpleName
            + "() {}\n"
            + "}\n",
        StandardCharsets.UTF_8);
    int rc =
        compiler.run(null, null, null, "--release", "17", "-d", classes.toString(), src.toString());
    assertThat(rc).as("javac exit code").isZero();
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, parent);
  }
}
