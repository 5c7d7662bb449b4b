package io.camstream.review.web;

import io.camstream.review.auth.Identity;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request and its response as the handlers see them: the validated, decoded path segments, the request body
 * (already read without holding a thread), the authenticated identity, and a single {@link #send}.
 */
final class Exchange {

  final Request request;
  final Response response;
  final Callback callback;
  /** The path split at '/' and percent-decoded per segment (an encoded '/' stays inside its segment). */
  final List<String> segments;
  byte[] body = new byte[0];
  Identity identity;

  Exchange(Request request, Response response, Callback callback, List<String> segments) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.segments = segments;
  }

  String method() {
    return request.getMethod();
  }

  /** The path as sent (still percent-encoded). */
  String rawPath() {
    return request.getHttpURI().getPath();
  }

  String rawQuery() {
    return request.getHttpURI().getQuery();
  }

  String header(String name) {
    return request.getHeaders().get(name);
  }

  List<String> headers(String name) {
    return request.getHeaders().getValuesList(name);
  }

  String remoteAddress() {
    return Request.getRemoteAddr(request);
  }

  boolean secure() {
    return request.isSecure();
  }

  void setHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  void addHeader(String name, String value) {
    response.getHeaders().add(new HttpField(name, value));
  }

  boolean hasHeader(String name) {
    return response.getHeaders().contains(name);
  }

  /** Sends the whole response and completes the exchange. */
  void send(int status, String contentType, byte[] bytes) {
    response.setStatus(status);
    if (contentType != null) {
      response.getHeaders().put("Content-Type", contentType);
    }
    response.getHeaders().put("Content-Length", String.valueOf(bytes.length));
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
