package requestsvc

import (
	"context"
	"errors"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/engine"
)

// Server implements dsarv1.RequestServiceServer.
type Server struct {
	dsarv1.UnimplementedRequestServiceServer
	e *engine.Engine
}

var _ dsarv1.RequestServiceServer = (*Server)(nil)

// New returns the RequestService over e.
func New(e *engine.Engine) *Server { return &Server{e: e} }

// CreateRequest validates and stores a request; it runs asynchronously.
func (s *Server) CreateRequest(ctx context.Context, in *dsarv1.CreateRequestRequest) (*dsarv1.CreateRequestResponse, error) {
	r, err := s.e.Create(ctx, in)
	if err != nil {
		return nil, err
	}
	return &dsarv1.CreateRequestResponse{Request: r}, nil
}

// GetRequest returns a request with its tasks.
func (s *Server) GetRequest(ctx context.Context, in *dsarv1.GetRequestRequest) (*dsarv1.GetRequestResponse, error) {
	r, err := s.e.Get(ctx, in.GetRequestId())
	if err != nil {
		return nil, err
	}
	return &dsarv1.GetRequestResponse{Request: r}, nil
}

// ListRequests pages through requests, newest first.
func (s *Server) ListRequests(ctx context.Context, in *dsarv1.ListRequestsRequest) (*dsarv1.ListRequestsResponse, error) {
	rs, next, err := s.e.List(ctx, in)
	if err != nil {
		return nil, err
	}
	return &dsarv1.ListRequestsResponse{Requests: rs, NextPageToken: next}, nil
}

// CancelRequest stops the tasks that have not started a destructive step.
func (s *Server) CancelRequest(ctx context.Context, in *dsarv1.CancelRequestRequest) (*dsarv1.CancelRequestResponse, error) {
	r, err := s.e.Cancel(ctx, in.GetRequestId())
	if err != nil {
		return nil, err
	}
	return &dsarv1.CancelRequestResponse{Request: r}, nil
}

// RetryRequest re-queues the failed tasks of a finished request.
func (s *Server) RetryRequest(ctx context.Context, in *dsarv1.RetryRequestRequest) (*dsarv1.RetryRequestResponse, error) {
	r, err := s.e.Retry(ctx, in.GetRequestId())
	if err != nil {
		return nil, err
	}
	return &dsarv1.RetryRequestResponse{Request: r}, nil
}

// ConfirmTask names the contacts an ambiguous task acts on.
func (s *Server) ConfirmTask(ctx context.Context, in *dsarv1.ConfirmTaskRequest) (*dsarv1.ConfirmTaskResponse, error) {
	r, err := s.e.Confirm(ctx, in.GetRequestId(), in.GetTenantId(), in.GetContactIds())
	if err != nil {
		return nil, err
	}
	return &dsarv1.ConfirmTaskResponse{Request: r}, nil
}

// WatchRequest streams the request each time it changes until it is
// terminal or the client goes away (which ends the stream quietly).
func (s *Server) WatchRequest(in *dsarv1.WatchRequestRequest, stream grpc.ServerStreamingServer[dsarv1.WatchRequestResponse]) error {
	ctx := stream.Context()
	err := s.e.Watch(ctx, in.GetRequestId(), func(r *dsarv1.Request) error {
		return stream.Send(&dsarv1.WatchRequestResponse{Request: r})
	})
	if err != nil && ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return status.FromContextError(ctx.Err()).Err()
	}
	return err
}
