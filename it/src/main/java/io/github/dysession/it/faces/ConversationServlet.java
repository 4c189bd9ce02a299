package io.github.dysession.it.faces;

import jakarta.enterprise.context.Conversation;
import jakarta.enterprise.context.NonexistentConversationException;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A long-running conversation driven by {@code POST ?op=}: {@code begin}, {@code add&item=}, {@code
 * end}, {@code show}, each with the {@code cid} of the conversation to continue. Answers the
 * conversation's id, whether it is transient, its items, and {@code destroyed}: the carts ended on
 * this instance.
 */
@WebServlet("/conversation")
public class ConversationServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Inject Conversation conversation;

  @Inject ConversationCart cart;

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("application/json");
    try {
      switch (String.valueOf(req.getParameter("op"))) {
        case "begin" -> {
          conversation.begin();
          if (req.getParameter("timeoutMillis") != null) {
            conversation.setTimeout(Long.parseLong(req.getParameter("timeoutMillis")));
          }
        }
        case "add" -> cart.add(req.getParameter("item"));
        case "end" -> conversation.end();
        case "show" -> cart.getItems();
        default -> {
          resp.sendError(400, "unknown op");
          return;
        }
      }
      StringBuilder items = new StringBuilder("[");
      for (String item : cart.getItems()) {
        items.append(items.length() > 1 ? "," : "").append('"').append(item).append('"');
      }
      items.append(']');
      resp.getWriter()
          .write(
              "{\"node\":\""
                  + System.getProperty("dysession.it.instance", "?")
                  + "\",\"cid\":"
                  + (conversation.isTransient() ? "null" : "\"" + conversation.getId() + "\"")
                  + ",\"transient\":"
                  + conversation.isTransient()
                  + ",\"items\":"
                  + items
                  + ",\"destroyed\":"
                  + ConversationCart.DESTROYED.get()
                  + "}");
    } catch (NonexistentConversationException e) {
      resp.setStatus(404);
      resp.getWriter()
          .write(
              "{\"error\":\"NonexistentConversationException\",\"destroyed\":"
                  + ConversationCart.DESTROYED.get()
                  + "}");
    }
  }
}
