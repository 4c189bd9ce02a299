package io.github.dysession.faces;

import io.github.dysession.faces.FlashState.KeptMessage;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.context.Flash;
import jakarta.faces.event.PhaseId;
import jakarta.faces.event.PostKeepFlashValueEvent;
import jakarta.faces.event.PostPutFlashValueEvent;
import jakarta.faces.event.PreClearFlashEvent;
import jakarta.faces.event.PreRemoveFlashValueEvent;
import jakarta.faces.event.SystemEvent;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The Flash of the Faces specification kept in the user's session, so that a value put on one
 * instance is read on the next request wherever it lands.
 *
 * <p>It follows Mojarra's reading of the specification, so that Mojarra applications behave as
 * before: during the execute phases values go to, and are read from, the map of this traversal;
 * during the render phase they go to the map of the next traversal, while reads still see this
 * traversal's. A traversal that ends with a redirect hands its own map, with what the render phase
 * wrote, to the next one; one that ends otherwise hands on what the render phase wrote and what was
 * kept. Kept messages ({@link #setKeepMessages}) are restored into the next traversal's context.
 *
 * <p>The session attribute {@value #ATTRIBUTE} holds a {@link FlashState} between traversals; it is
 * written when a traversal ends and only then, and removed when nothing is left for the next one. A
 * request that never uses the Flash and finds nothing stored writes nothing and creates no session.
 * Everything else lives in the request's {@link FacesContext} attributes, so this object is shared
 * by all requests. Two concurrent traversals of one session each hand on their own values; the one
 * that ends last wins, as with the session's other attributes.
 */
final class SessionFlash extends Flash {

  /** The session attribute that holds what a traversal hands to the next. */
  static final String ATTRIBUTE = "io.github.dysession.faces.Flash";

  private static final Logger LOG = Logger.getLogger(SessionFlash.class.getName());

  private static final String TRAVERSAL = SessionFlash.class.getName() + ".traversal";

  // Mojarra's ExternalContext.redirect and responseFlushBuffer set this attribute (to whether the
  // response is a redirect) around the doPostPhaseActions call that ends the traversal early.
  private static final String MOJARRA_LAST_PHASE =
      "com.sun.faces.context.flash.ACT_AS_DO_LAST_PHASE_ACTIONS";

  private static final String KEEP_MESSAGES = "keepMessages";
  private static final String REDIRECT = "redirect";

  /** Mojarra's FacesContext attribute key for "#{flash.keep.name}", or null. */
  private final Object keepFlag;

  SessionFlash(Object keepFlag) {
    this.keepFlag = keepFlag;
  }

  /** One traversal's view of the Flash, kept in its FacesContext's attributes. */
  private static final class Traversal {
    final Map<String, Object> current;
    final Map<String, Object> next = new LinkedHashMap<>();
    final boolean afterRedirect;
    boolean keepMessages;
    boolean redirect;
    boolean responseCompleteBefore;
    boolean ended;
    // Decided when the traversal ends: whether this traversal's own values are handed on, and the
    // messages it kept.
    boolean redirecting;
    List<KeptMessage> keptMessages = List.of();

    Traversal(FlashState stored) {
      this.current = stored == null ? new LinkedHashMap<>() : stored.values();
      this.afterRedirect = stored != null && stored.afterRedirect();
    }
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void doPrePhaseActions(FacesContext context) {
    Traversal traversal = traversal(context);
    traversal.responseCompleteBefore = context.getResponseComplete();
  }

  @Override
  public void doPostPhaseActions(FacesContext context) {
    Map<Object, Object> attributes = context.getAttributes();
    Object lastPhase = attributes.get(MOJARRA_LAST_PHASE);
    Traversal traversal = traversal(context);
    if (lastPhase != null) {
      end(context, traversal, Boolean.TRUE.equals(lastPhase));
    } else if (context.getCurrentPhaseId() == PhaseId.RENDER_RESPONSE
        || (!traversal.responseCompleteBefore && context.getResponseComplete())) {
      end(context, traversal, false);
    }
  }

  private Traversal traversal(FacesContext context) {
    Map<Object, Object> attributes = context.getAttributes();
    Traversal traversal = (Traversal) attributes.get(TRAVERSAL);
    if (traversal == null) {
      FlashState stored = stored(context.getExternalContext());
      traversal = new Traversal(stored);
      attributes.put(TRAVERSAL, traversal);
      if (stored != null) {
        for (KeptMessage kept : stored.messages()) {
          context.addMessage(kept.clientId(), kept.message());
        }
      }
    }
    return traversal;
  }

  private static FlashState stored(ExternalContext external) {
    HttpSession session = session(external, false);
    if (session == null) {
      return null;
    }
    try {
      Object stored = session.getAttribute(ATTRIBUTE);
      return stored instanceof FlashState state ? state : null;
    } catch (IllegalStateException invalidated) {
      return null;
    }
  }

  private void end(FacesContext context, Traversal traversal, boolean redirect) {
    if (traversal.ended) {
      return;
    }
    traversal.ended = true;
    traversal.redirecting = redirect || traversal.redirect;
    if (!traversal.redirecting && !traversal.current.isEmpty()) {
      publish(context, PreClearFlashEvent.class, traversal.current);
    }
    traversal.keptMessages = traversal.keepMessages ? messages(context) : List.of();
    store(context, traversal);
  }

  /**
   * Writes what a traversal that ended hands on to the next: after a redirect its own values and
   * what the render phase wrote, else only the latter; and the messages it kept. Called again for a
   * change that comes once it ended.
   */
  private static void store(FacesContext context, Traversal traversal) {
    Map<String, Object> handedOn = new LinkedHashMap<>();
    if (traversal.redirecting) {
      handedOn.putAll(traversal.current);
    }
    handedOn.putAll(traversal.next);
    FlashState state = new FlashState(handedOn, traversal.redirecting, traversal.keptMessages);
    ExternalContext external = context.getExternalContext();
    try {
      if (state.isEmpty()) {
        // Also when nothing readable was found: an undecodable stored state goes too. Removing
        // an attribute the session does not have writes nothing.
        HttpSession session = session(external, false);
        if (session != null) {
          session.removeAttribute(ATTRIBUTE);
        }
        return;
      }
      HttpSession session = session(external, false);
      if (session == null) {
        if (external.isResponseCommitted()) {
          LOG.warning(
              "Flash values "
                  + handedOn.keySet()
                  + " written after the response was committed, in a request without a session,"
                  + " are lost: the session cookie can no longer be sent. Write them before"
                  + " rendering, or create the session earlier.");
          return;
        }
        session = session(external, true);
      }
      session.setAttribute(ATTRIBUTE, state);
    } catch (IllegalStateException invalidated) {
      // The request invalidated its session: the Flash went with it.
      LOG.fine("The Flash was not handed on: the session was invalidated");
    } catch (RuntimeException refused) {
      // A value the session cannot store (not serializable, too large): the request goes on as
      // it would have with a Flash that drops it, and says so.
      LOG.warning(
          "Flash values "
              + handedOn.keySet()
              + " could not be kept in the session for the next request and are lost: "
              + refused.getMessage());
    }
  }

  private static HttpSession session(ExternalContext external, boolean create) {
    Object session = external.getSession(create);
    return session instanceof HttpSession http ? http : null;
  }

  private static List<KeptMessage> messages(FacesContext context) {
    List<KeptMessage> kept = new ArrayList<>();
    for (Iterator<String> ids = context.getClientIdsWithMessages(); ids.hasNext(); ) {
      String clientId = ids.next();
      for (Iterator<FacesMessage> it = context.getMessages(clientId); it.hasNext(); ) {
        kept.add(new KeptMessage(clientId, it.next()));
      }
    }
    return kept;
  }

  // -------------------------------------------------------------- Flash methods

  @Override
  public boolean isKeepMessages() {
    return traversal(FacesContext.getCurrentInstance()).keepMessages;
  }

  @Override
  public void setKeepMessages(boolean newValue) {
    traversal(FacesContext.getCurrentInstance()).keepMessages = newValue;
  }

  @Override
  public boolean isRedirect() {
    return traversal(FacesContext.getCurrentInstance()).afterRedirect;
  }

  @Override
  public void setRedirect(boolean newValue) {
    traversal(FacesContext.getCurrentInstance()).redirect = newValue;
  }

  @Override
  public void putNow(String key, Object value) {
    traversal(FacesContext.getCurrentInstance()).current.put(key, value);
  }

  @Override
  public void keep(String key) {
    FacesContext context = FacesContext.getCurrentInstance();
    Traversal traversal = traversal(context);
    Object value = context.getExternalContext().getRequestMap().remove(key);
    if (value == null) {
      value = traversal.current.get(key);
    }
    if (value != null) {
      traversal.next.put(key, value);
      if (traversal.ended) {
        store(context, traversal);
      }
      publish(context, PostKeepFlashValueEvent.class, key);
    }
  }

  // ---------------------------------------------------------------- Map methods

  @Override
  public Object get(Object key) {
    if (KEEP_MESSAGES.equals(key)) {
      return isKeepMessages();
    }
    if (REDIRECT.equals(key)) {
      return isRedirect();
    }
    FacesContext context = FacesContext.getCurrentInstance();
    Traversal traversal = traversal(context);
    if (keepFlag != null && context.getAttributes().remove(keepFlag) != null && key != null) {
      Object value = traversal.current.get(key);
      keep(key.toString());
      return value;
    }
    return traversal.current.get(key);
  }

  @Override
  public Object put(String key, Object value) {
    if (KEEP_MESSAGES.equals(key)) {
      setKeepMessages(Boolean.parseBoolean(String.valueOf(value)));
      return null;
    }
    if (REDIRECT.equals(key)) {
      setRedirect(Boolean.parseBoolean(String.valueOf(value)));
      return null;
    }
    FacesContext context = FacesContext.getCurrentInstance();
    Traversal traversal = traversal(context);
    Object previous = writing(context, traversal).put(key, value);
    if (traversal.ended) {
      store(context, traversal);
    }
    publish(context, PostPutFlashValueEvent.class, key);
    return previous;
  }

  @Override
  public void putAll(Map<? extends String, ?> values) {
    values.forEach(this::put);
  }

  @Override
  public Object remove(Object key) {
    FacesContext context = FacesContext.getCurrentInstance();
    Traversal traversal = traversal(context);
    publish(context, PreRemoveFlashValueEvent.class, key);
    Object fromNext = traversal.next.remove(key);
    Object fromCurrent = traversal.current.remove(key);
    if (traversal.ended && (fromNext != null || fromCurrent != null)) {
      store(context, traversal);
    }
    return fromNext != null ? fromNext : fromCurrent;
  }

  @Override
  public void clear() {
    FacesContext context = FacesContext.getCurrentInstance();
    Traversal traversal = traversal(context);
    publish(context, PreClearFlashEvent.class, this);
    traversal.current.clear();
    traversal.next.clear();
    if (traversal.ended) {
      store(context, traversal);
    }
  }

  @Override
  public boolean containsKey(Object key) {
    return traversal(FacesContext.getCurrentInstance()).current.containsKey(key);
  }

  @Override
  public boolean containsValue(Object value) {
    return traversal(FacesContext.getCurrentInstance()).current.containsValue(value);
  }

  @Override
  public int size() {
    return both().size();
  }

  @Override
  public boolean isEmpty() {
    return both().isEmpty();
  }

  @Override
  public Set<String> keySet() {
    return Collections.unmodifiableSet(both().keySet());
  }

  @Override
  public Collection<Object> values() {
    return Collections.unmodifiableCollection(both().values());
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return Collections.unmodifiableSet(both().entrySet());
  }

  @Override
  public String toString() {
    return "dysession Flash " + keySet();
  }

  /** This traversal's and the next one's values together (the next one's win). */
  private Map<String, Object> both() {
    Traversal traversal = traversal(FacesContext.getCurrentInstance());
    Map<String, Object> both = new LinkedHashMap<>(traversal.current);
    both.putAll(traversal.next);
    return both;
  }

  private static Map<String, Object> writing(FacesContext context, Traversal traversal) {
    PhaseId phase = context.getCurrentPhaseId();
    boolean rendering = phase != null && phase.getOrdinal() >= PhaseId.RENDER_RESPONSE.getOrdinal();
    return rendering || traversal.ended ? traversal.next : traversal.current;
  }

  private static void publish(
      FacesContext context, Class<? extends SystemEvent> event, Object source) {
    context
        .getApplication()
        .publishEvent(context, event, source == null ? Flash.NULL_VALUE : source);
  }
}
