package io.rollout4j.gatewayapi;

/** The route kinds the plugin configuration can name, with their configuration fields. */
enum RouteKind {
  HTTP("HTTPRoute", "httpRoute", "httpRoutes", true),
  GRPC("GRPCRoute", "grpcRoute", "grpcRoutes", true),
  TCP("TCPRoute", "tcpRoute", "tcpRoutes", false),
  TLS("TLSRoute", "tlsRoute", "tlsRoutes", false);

  private final String kind;
  private final String singleField;
  private final String listField;
  private final boolean matchesRequests;

  RouteKind(String kind, String singleField, String listField, boolean matchesRequests) {
    this.kind = kind;
    this.singleField = singleField;
    this.listField = listField;
    this.matchesRequests = matchesRequests;
  }

  String kind() {
    return kind;
  }

  String singleField() {
    return singleField;
  }

  String listField() {
    return listField;
  }

  /** Whether its rules match requests (headers, paths): only those take header routes. */
  boolean matchesRequests() {
    return matchesRequests;
  }
}
