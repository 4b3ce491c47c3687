// Package servertest starts the real server for end-to-end tests: the gRPC
// server with the production interceptor chain on an in-memory bufconn
// listener, and the production REST gateway (over its own client connection
// to that listener) inside an httptest.Server. Tests get a gRPC client
// connection and the REST base URL and exercise exactly the paths
// production uses.
package servertest
