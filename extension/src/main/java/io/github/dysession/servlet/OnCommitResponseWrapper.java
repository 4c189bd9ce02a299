package io.github.dysession.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Calls {@link #onBeforeCommit()} once, just before the response is committed: before {@code
 * sendRedirect}, {@code sendError}, {@code flushBuffer}, a flush or close of the body, and a write
 * that fills the buffer or reaches the declared content length. While {@link #isDiscarding()} is
 * true, what the application writes, sends or resets is dropped.
 *
 * <p>Not thread-safe beyond what the servlet specification asks of a response: one thread writes at
 * a time.
 */
abstract class OnCommitResponseWrapper extends HttpServletResponseWrapper {

  // A character written through the writer takes up to 3 bytes in UTF-8.
  private static final int BYTES_PER_CHAR = 3;

  private boolean commitHandled;
  private long contentLength = -1;
  private long written;
  private ServletOutputStream stream;
  private PrintWriter writer;

  OnCommitResponseWrapper(HttpServletResponse response) {
    super(response);
  }

  /** Runs once, just before the first call that would commit the response. */
  abstract void onBeforeCommit();

  /** Whether the application's output is dropped; false unless a subclass says otherwise. */
  boolean isDiscarding() {
    return false;
  }

  /** Marks the commit as handled: {@link #onBeforeCommit()} does not run any more. */
  final void commitHandled() {
    commitHandled = true;
  }

  /** Called after the application's {@link #reset()} went through, to set up headers again. */
  void afterReset() {}

  private void committing() {
    // Once is enough: what changes after the first call is handled when the request ends.
    if (!commitHandled && !isCommitted()) {
      commitHandled = true;
      onBeforeCommit();
    }
  }

  private void writing(long bytes) {
    long before = written;
    written += bytes;
    long limit = getBufferSize();
    if ((contentLength >= 0 && written >= contentLength)
        || (limit > 0 && written >= limit)
        || (limit <= 0 && before == 0)) {
      committing();
    }
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    committing();
    if (!isDiscarding()) {
      super.sendError(sc, msg);
    }
  }

  @Override
  public void sendError(int sc) throws IOException {
    committing();
    if (!isDiscarding()) {
      super.sendError(sc);
    }
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    committing();
    if (!isDiscarding()) {
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
    if (isDiscarding()) {
      return;
    }
    try {
      HttpServletResponse.class
          .getMethod("sendRedirect", String.class, int.class, boolean.class)
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
      throw new UnsupportedOperationException(
          "sendRedirect(String, int, boolean) needs Servlet 6.1", e);
    }
  }

  @Override
  public void flushBuffer() throws IOException {
    committing();
    if (!isDiscarding()) {
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
    if (isDiscarding()) {
      return;
    }
    super.reset();
    contentLength = -1;
    written = 0;
    afterReset();
  }

  @Override
  public void resetBuffer() {
    if (isDiscarding()) {
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
      writer =
          new PrintWriter(new CommitAwareWriter(container), false) {
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
      if (!isDiscarding()) {
        delegate.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      writing(len);
      if (!isDiscarding()) {
        delegate.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      committing();
      if (!isDiscarding()) {
        delegate.flush();
      }
    }

    @Override
    public void close() throws IOException {
      committing();
      if (!isDiscarding()) {
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
      if (!isDiscarding()) {
        delegate.write(buffer, off, len);
      }
    }

    @Override
    public void write(String s, int off, int len) {
      writing((long) len * BYTES_PER_CHAR);
      if (!isDiscarding()) {
        delegate.write(s, off, len);
      }
    }

    @Override
    public void write(int c) {
      writing(BYTES_PER_CHAR);
      if (!isDiscarding()) {
        delegate.write(c);
      }
    }

    @Override
    public void flush() {
      committing();
      if (!isDiscarding()) {
        delegate.flush();
      }
    }

    @Override
    public void close() {
      committing();
      if (!isDiscarding()) {
        delegate.close();
      }
    }
  }
}
