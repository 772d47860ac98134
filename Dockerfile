# syntax=docker/dockerfile:1
#
# interviewbot container image.
#
#   docker build -t interviewbot .
#   docker run --rm --env-file .env -p 8080:8080 interviewbot
#
# Needs BuildKit (the default builder since Docker 23) for the build-cache
# mount below.

# GO_VERSION must be at least the `go` line of go.mod: the golang images set
# GOTOOLCHAIN=local, so an older toolchain refuses to build instead of
# downloading a newer one.
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false

# Modules first, in their own layer: it is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .
# -tags timetzdata embeds the IANA time zone database in the binary, so
# time.LoadLocation (daily schedules in each channel's zone) works even on an
# image without /usr/share/zoneinfo. The distroless base below also ships
# tzdata and the CA certificates Slack's and Postgres's TLS need.
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/interviewbot ./cmd/interviewbot

# static-debian12: no shell, no package manager; ca-certificates, tzdata and a
# nonroot user (uid/gid 65532) included.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/interviewbot /interviewbot
USER nonroot:nonroot
# HTTP_ADDR (default :8080): /healthz, /readyz and /metrics. Slack traffic is
# an outbound WebSocket (Socket Mode): no inbound port is needed for Slack.
EXPOSE 8080
ENTRYPOINT ["/interviewbot"]
CMD ["run"]
