package io.github.dysession.cdi;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Qualifies dysession's own beans: the {@code DynamoDbClient}, the {@code SessionStore} and the
 * settings. An application that produces its own {@code @Dysession DynamoDbClient} replaces
 * dysession's.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER})
public @interface Dysession {

  /** The literal of {@link Dysession}. */
  final class Literal extends AnnotationLiteral<Dysession> implements Dysession {
    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final Literal INSTANCE = new Literal();

    private Literal() {}
  }
}
