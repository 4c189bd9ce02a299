package io.github.dysession.security;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds {@link SharedLoginInterceptor} to the application's authentication mechanisms and identity
 * stores; dysession's CDI extension adds it to each of them, so applications never write it.
 */
@InterceptorBinding
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface SharedLogin {

  /** The literal of {@link SharedLogin}. */
  final class Literal extends AnnotationLiteral<SharedLogin> implements SharedLogin {
    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final Literal INSTANCE = new Literal();

    private Literal() {}
  }
}
