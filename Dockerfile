# syntax=docker/dockerfile:1
# ClinChat server image. Built from the repository root:
#   docker build -t clinchat:TAG .      (BuildKit: the default builder since Docker 23)
# Runtime contract (deploy/kubernetes mirrors it): uid/gid 1001, read-only root filesystem,
# writes only to /data (CLINCHAT_DATA_DIR: embedded store or local index cache) and /tmp.
# The PostgreSQL client (pg_dump, pg_restore) is in the image for `clinchat backup` and `restore`.

# ---- build: restore and publish with the SDK -------------------------------------------------
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /source

# Restore first, from the project files only, so a code change does not invalidate the package layer.
# deploy/tools/lint-dockerfile.js fails CI when a project that ClinChat.csproj references is missing here.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ClinChat/ClinChat.csproj src/ClinChat/
COPY src/ClinChat.Storage/ClinChat.Storage.csproj src/ClinChat.Storage/
COPY src/ClinChat.Ingestion/ClinChat.Ingestion.csproj src/ClinChat.Ingestion/
COPY src/ClinChat.Retrieval/ClinChat.Retrieval.csproj src/ClinChat.Retrieval/
COPY src/ClinChat.Phi/ClinChat.Phi.csproj src/ClinChat.Phi/
COPY src/ClinChat.Interactions/ClinChat.Interactions.csproj src/ClinChat.Interactions/
COPY src/ClinChat.Identity/ClinChat.Identity.csproj src/ClinChat.Identity/
COPY src/ClinChat.Security/ClinChat.Security.csproj src/ClinChat.Security/
COPY src/ClinChat.Backup/ClinChat.Backup.csproj src/ClinChat.Backup/
RUN dotnet restore src/ClinChat/ClinChat.csproj -a "$TARGETARCH"

# The starter knowledge cards are linked into the output by ClinChat.csproj.
COPY src/ src/
COPY knowledge/ knowledge/
RUN dotnet publish src/ClinChat/ClinChat.csproj -c Release -a "$TARGETARCH" --no-restore \
        --self-contained false -p:UseAppHost=false -o /app

# ---- runtime: ASP.NET Core runtime and the published output, nothing else --------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime

# `clinchat backup` and `restore` on a PostgreSQL store run pg_dump and pg_restore, which must be at
# least the server's major: Ubuntu 24.04 (the base of aspnet:10.0) ships client 16, good for servers
# up to 16 (the CLI refuses a newer server by name). PG_CLIENT_MAJOR must name a major the distribution
# packages; the binaries are used straight from their directory (no pg_wrapper version guessing).
ARG PG_CLIENT_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_CLIENT_MAJOR}" \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric uid so Kubernetes' runAsNonRoot can verify it; /data belongs to it so that a
# fresh volume mounted there is writable. HOME points at /tmp because the root filesystem is read-only.
RUN groupadd --gid 1001 clinchat \
    && useradd --uid 1001 --gid 1001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin clinchat \
    && mkdir -p /data \
    && chown 1001:1001 /data

ENV CLINCHAT_DATA_DIR=/data \
    ClinChat__Backup__PgBinDirectory=/usr/lib/postgresql/${PG_CLIENT_MAJOR}/bin \
    HOME=/tmp \
    TMPDIR=/tmp \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1

WORKDIR /app
COPY --from=build --chown=root:root /app ./

USER 1001:1001
VOLUME ["/data"]
EXPOSE 3000

# The aspnet image has neither curl nor wget; bash and coreutils are there, so the check speaks
# HTTP/1.1 over bash's /dev/tcp. It assumes the default port 3000 (change it with --urls and this
# check reports unhealthy). In Kubernetes the kubelet's probes are authoritative: it ignores HEALTHCHECK.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/3000 && printf 'GET /api/health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["dotnet", "clinchat.dll"]
CMD ["serve", "--urls", "http://0.0.0.0:3000"]
