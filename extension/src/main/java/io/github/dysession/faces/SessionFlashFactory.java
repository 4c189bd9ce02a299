package io.github.dysession.faces;

import jakarta.faces.context.Flash;
import jakarta.faces.context.FlashFactory;
import java.util.logging.Logger;

/**
 * Hands out a {@link SessionFlash}: the Flash kept in the user's session instead of in the memory
 * of the instance that wrote it.
 *
 * <p>Registered on Mojarra only (see {@link MojarraFacesConfigProvider}). The wrapped factory is
 * Mojarra's own; its Flash is not used, since its values stay on one instance and its cookie is
 * encrypted with a key of that instance.
 */
public final class SessionFlashFactory extends FlashFactory {

  private static final Logger LOG = Logger.getLogger(SessionFlashFactory.class.getName());

  // Mojarra's FlashELResolver marks "#{flash.keep.name}" with this FacesContext attribute key (an
  // enum constant of its ELFlash) before it reads the name from the Flash.
  private static final String MOJARRA_KEEP_FLAG_TYPE =
      "com.sun.faces.context.flash.ELFlash$CONSTANTS";
  private static final String MOJARRA_KEEP_FLAG = "KeepFlagAttributeName";

  private final SessionFlash flash;

  /**
   * Creates the factory.
   *
   * @param wrapped the factory registered before this one (Mojarra's)
   */
  public SessionFlashFactory(FlashFactory wrapped) {
    super(wrapped);
    ClassLoader mojarra = wrapped == null ? null : wrapped.getClass().getClassLoader();
    this.flash = new SessionFlash(keepFlag(mojarra));
  }

  /** Returns the Flash; it keeps no state of its own, so one serves every request. */
  @Override
  public Flash getFlash(boolean create) {
    return flash;
  }

  private static Object keepFlag(ClassLoader mojarra) {
    try {
      Class<?> type = Class.forName(MOJARRA_KEEP_FLAG_TYPE, false, mojarra);
      Object[] constants = type.getEnumConstants();
      if (constants != null) {
        for (Object constant : constants) {
          if (((Enum<?>) constant).name().equals(MOJARRA_KEEP_FLAG)) {
            return constant;
          }
        }
      }
    } catch (ClassNotFoundException | LinkageError e) {
      // Not this Mojarra: "#{flash.keep.name}" then reads like "#{flash.name}".
    }
    LOG.fine("Mojarra's keep flag was not found: #{flash.keep.name} reads without keeping");
    return null;
  }
}
