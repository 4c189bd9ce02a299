package io.github.dysession.servlet;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One save of a session at the end of (or during) a request, as a JDK Flight Recorder event; its
 * duration covers encoding and the store's calls (each also a {@code
 * io.github.dysession.DynamoDbCall} event on DynamoDB).
 */
@Name("io.github.dysession.SessionSave")
@Label("Session Save")
@Category({"dysession"})
@Description("One save of a session: encoding and the store's calls")
@StackTrace(false)
final class SessionSaveEvent extends Event {

  @Label("Kind")
  @Description("create (a new session) or update")
  String kind;

  @Label("Result")
  @Description(
      "WRITTEN, SKIPPED (nothing to write), GONE (invalidated or expired meanwhile),"
          + " PARTIAL or FAILED")
  String result;

  @Label("Attributes Set")
  int attributesSet;

  @Label("Attributes Removed")
  int attributesRemoved;

  @Label("Value Bytes")
  @Description("Encoded bytes of the values written")
  @DataAmount
  long valueBytes;
}
