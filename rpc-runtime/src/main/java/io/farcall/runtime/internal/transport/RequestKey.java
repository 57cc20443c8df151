package io.farcall.runtime.internal.transport;

import com.google.protobuf.ByteString;
import io.farcall.runtime.internal.codec.proto.Header;

/**
 * The service and method a request names, encoded once: the protobuf bytes of the header's {@code
 * service} and {@code method} fields, which every request for that method repeats. Immutable.
 */
public final class RequestKey {
  private final byte[] headerFields;
  private final String service;
  private final String method;

  public RequestKey(String service, String method) {
    this.service = service;
    this.method = method;
    // Exactly what protobuf writes for these two fields (empty strings left out).
    ByteString bytes =
        Header.newBuilder().setService(service).setMethod(method).build().toByteString();
    this.headerFields = bytes.toByteArray();
  }

  String service() {
    return service;
  }

  String method() {
    return method;
  }

  byte[] headerFields() {
    return headerFields;
  }
}
