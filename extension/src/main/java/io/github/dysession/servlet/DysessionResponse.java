package io.github.dysession.servlet;

import io.github.dysession.store.SessionStoreException;
import io.github.dysession.store.SessionTooLargeException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.logging.Logger;
import java.util.Collection;

/**
 * Runs a callback just before the response is committed: before {@code sendRedirect},
 * {@code sendError}, {@code flushBuffer}, a flush or close of the body, and a write that fills
 * the buffer or reaches the declared content length. The session is saved there, so a client that
 * follows a redirect to another instance already finds the changes.
 *
 * <p>When that save fails, the response answers the failure at once (503, or 500 for a session
 * too large to store) and discards whatever the application writes afterwards: a framework that
 * is halfway through writing its body (JAX-RS sets the content length, so the save runs inside its
 * write) never sees the failure, so it can neither answer 500 nor commit an empty 200.
 */
final class DysessionResponse extends HttpServletResponseWrapper {

  private static final Logger LOG = Logger.getLogger(DysessionResponse.class.getName());
  private static final String RETRY_AFTER_SECONDS = "5";

  // A character written through the writer takes up to 3 bytes in UTF-8.
  private static final int BYTES_PER_CHAR = 3;

  private Runnable beforeCommit = () -> {};
  // Runs first at commit while an authentication mechanism answers (a login that redirects must be
  // recorded, and the id changed, before the redirect leaves).
  private volatile Runnable authenticationHook;
  private boolean savedBeforeCommit;
  private String sessionCookie;
  private long contentLength = -1;
  private long written;
  private ServletOutputStream stream;
  private PrintWriter writer;
  private volatile SessionStoreException saveFailure;
  private volatile boolean discarding;

  DysessionResponse(HttpServletResponse response) {
    super(response);
  }

  void beforeCommit(Runnable callback) {
    this.beforeCommit = callback;
  }

  /** Sets (or, with null, clears) what runs first when the response is committed. */
  void whileAuthenticating(Runnable hook) {
    authenticationHook = hook;
  }

  /** Returns the failure of the save before commit, which this response has answered; or null. */
  SessionStoreException saveFailure() {
    return saveFailure;
  }

  /** Sets the session cookie header; it survives {@link #reset()}. */
  void setSessionCookie(String header) {
    sessionCookie = header;
    addHeader("Set-Cookie", header);
  }

  /** Returns the session cookie header this response set, or null. */
  String sessionCookie() {
    return sessionCookie;
  }

  /**
   * Sets again the session cookie header an earlier dispatch of the same request set, unless the
   * response still has it: Undertow (WildFly) clears the headers before it dispatches to an error
   * page, so the client would never learn the id of the session the failed request created.
   */
  void restoreSessionCookie(String header) {
    Collection<String> present = getHeaders("Set-Cookie");
    if (present != null && present.contains(header)) {
      sessionCookie = header;
    } else {
      setSessionCookie(header);
    }
  }

  private void committing() {
    // Once is enough: changes after the first save are written when the request ends.
    if (!savedBeforeCommit && !isCommitted()) {
      savedBeforeCommit = true;
      try {
        Runnable hook = authenticationHook;
        if (hook != null) {
          hook.run();
        }
        beforeCommit.run();
      } catch (SessionStoreException e) {
        saveFailure = e;
        answer(e);
        discarding = true;
      }
    }
  }

  /**
   * Answers a store failure instead of the application's response, if nothing is committed yet:
   * 500 for a session too large to store, otherwise 503 with Retry-After. The session is not saved
   * again for this answer.
   */
  void answer(SessionStoreException failure) {
    savedBeforeCommit = true;
    if (isCommitted()) {
      return;
    }
    // reset() keeps a session cookie this request issued (after changeSessionId, say).
    reset();
    setContentType("text/plain;charset=UTF-8");
    String body;
    if (failure instanceof SessionTooLargeException) {
      LOG.severe(failure.getMessage());
      setStatus(SC_INTERNAL_SERVER_ERROR);
      body = "The session is too large to be stored.\n";
    } else {
      // DynamoDbErrors logs each outage once; a line per request would flood the log.
      LOG.fine(failure::getMessage);
      setStatus(SC_SERVICE_UNAVAILABLE);
      setHeader("Retry-After", RETRY_AFTER_SECONDS);
      body = "Session storage is temporarily unavailable; try again shortly.\n";
    }
    try {
      // The container's own stream: this wrapper's would count the bytes as the application's.
      getResponse().getOutputStream().write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalStateException e) {
      // The application took the writer: write through the container's writer.
      try {
        getResponse().getWriter().write(body);
      } catch (IOException | IllegalStateException again) {
        LOG.fine(() -> "Could not write the body of a " + getStatus() + " answer: " + again);
      }
    } catch (IOException e) {
      LOG.fine(() -> "Could not write the body of a " + getStatus() + " answer: " + e);
    }
    try {
      getResponse().flushBuffer();
    } catch (IOException e) {
      LOG.fine(() -> "The client went away before a " + getStatus() + " answer: " + e);
    }
  }

  private void writing(long bytes) {
    long before = written;
    written += bytes;
    long limit = getBufferSize();
    if ((contentLength >= 0 && written >= contentLength) || (limit > 0 && written >= limit)
        || (limit <= 0 && before == 0)) {
      committing();
    }
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    committing();
    if (!discarding) {
      super.sendError(sc, msg);
    }
  }

  @Override
  public void sendError(int sc) throws IOException {
    committing();
    if (!discarding) {
      super.sendError(sc);
    }
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    committing();
    if (!discarding) {
      super.sendRedirect(location);
    }
  }

  /**
   * Saves, then redirects: Servlet 6.1's overload ({@code sendRedirect(String, int, boolean)},
   * which its other new overloads call) would otherwise bypass this wrapper. Compiled against
   * Servlet 6.0, so the container's method is called reflectively.
   */
  public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
    committing();
    if (discarding) {
      return;
    }
    try {
      HttpServletResponse.class.getMethod("sendRedirect", String.class, int.class, boolean.class)
          .invoke(getResponse(), location, sc, clearBuffer);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new UnsupportedOperationException("sendRedirect(String, int, boolean) needs Servlet 6.1", e);
    }
  }

  @Override
  public void flushBuffer() throws IOException {
    committing();
    if (!discarding) {
      super.flushBuffer();
    }
  }

  @Override
  public void setContentLength(int len) {
    contentLength = len;
    super.setContentLength(len);
  }

  @Override
  public void setContentLengthLong(long len) {
    contentLength = len;
    super.setContentLengthLong(len);
  }

  @Override
  public void setHeader(String name, String value) {
    trackContentLength(name, value);
    super.setHeader(name, value);
  }

  @Override
  public void addHeader(String name, String value) {
    trackContentLength(name, value);
    super.addHeader(name, value);
  }

  @Override
  public void reset() {
    if (discarding) {
      return;
    }
    super.reset();
    contentLength = -1;
    written = 0;
    if (sessionCookie != null) {
      // The client must learn a new or changed id even when the response is rebuilt.
      addHeader("Set-Cookie", sessionCookie);
    }
  }

  @Override
  public void resetBuffer() {
    if (discarding) {
      return;
    }
    super.resetBuffer();
    written = 0;
  }

  @Override
  public synchronized ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      stream = new CommitAwareStream(super.getOutputStream());
    }
    return stream;
  }

  @Override
  public synchronized PrintWriter getWriter() throws IOException {
    if (writer == null) {
      PrintWriter container = super.getWriter();
      writer = new PrintWriter(new CommitAwareWriter(container), false) {
        @Override
        public boolean checkError() {
          // The container's writer is the one that sees a client that went away.
          return super.checkError() || container.checkError();
        }
      };
    }
    return writer;
  }

  private void trackContentLength(String name, String value) {
    if (name != null && value != null && name.equalsIgnoreCase("Content-Length")) {
      try {
        contentLength = Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        // The container rejects or ignores it; nothing to track.
      }
    }
  }

  /** The body stream, watching for the moment it commits the response. */
  private final class CommitAwareStream extends ServletOutputStream {
    private final ServletOutputStream delegate;

    CommitAwareStream(ServletOutputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(int b) throws IOException {
      writing(1);
      if (!discarding) {
        delegate.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      writing(len);
      if (!discarding) {
        delegate.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      committing();
      if (!discarding) {
        delegate.flush();
      }
    }

    @Override
    public void close() throws IOException {
      committing();
      if (!discarding) {
        delegate.close();
      }
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      delegate.setWriteListener(listener);
    }
  }

  /** The body writer, watching for the moment it commits the response. */
  private final class CommitAwareWriter extends Writer {
    private final PrintWriter delegate;

    CommitAwareWriter(PrintWriter delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(char[] buffer, int off, int len) {
      writing((long) len * BYTES_PER_CHAR);
      if (!discarding) {
        delegate.write(buffer, off, len);
      }
    }

    @Override
    public void write(String s, int off, int len) {
      writing((long) len * BYTES_PER_CHAR);
      if (!discarding) {
        delegate.write(s, off, len);
      }
    }

    @Override
    public void write(int c) {
      writing(BYTES_PER_CHAR);
      if (!discarding) {
        delegate.write(c);
      }
    }

    @Override
    public void flush() {
      committing();
      if (!discarding) {
        delegate.flush();
      }
    }

    @Override
    public void close() {
      committing();
      if (!discarding) {
        delegate.close();
      }
    }
  }
}
