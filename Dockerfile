# Guccho in three stages: build the web app with Node, build the binary with
# Go (the app embedded), then copy the binary into a small runtime image.
#
#   docker build -t guccho .
#   docker run -p 8080:8080 -v guccho-data:/data guccho
#
# The binary carries the default boundary set (data/bd) and imports it on
# first start. To use another set, such as the full-resolution COD-AB files,
# mount a folder laid out like data/bd and name it:
#   docker run … -v /path/to/bd:/boundaries:ro -e GUCCHO_BOUNDARIES=/boundaries guccho

FROM node:20-bookworm-slim AS web
WORKDIR /src/static
COPY static/package.json static/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/static/dist/app ./static/dist/app
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/guccho ./cmd/guccho \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/guccho /usr/local/bin/guccho
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME ["/data"]
ENV GUCCHO_ADDR=:8080 \
    GUCCHO_DB=/data/guccho.db
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/usr/local/bin/guccho"]
CMD ["serve"]
