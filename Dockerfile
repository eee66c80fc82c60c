# rerank-harness as an image: `serve` (the embedded reference reranker) by default, and every other
# command (`check`, `load`, `compare`) with its own arguments.
#
# Nothing is compiled or downloaded inside: build from a prepared checkout, so any base image with
# Node.js 20 works (the tests use one made FROM scratch from the host's own Node binary):
#   npm ci && npm run build && npm prune --omit=dev
#   docker build -t rerank-harness:0.1.0 .          # the tag `container:reference` runs by default
#   docker build --build-arg BASE=my-registry/node:20 -t rerank-harness:0.1.0 .
ARG BASE=node:20-bookworm-slim
FROM ${BASE}
WORKDIR /app
# One layer: package.json, dist/, node_modules/, fixtures/, suites/ (.dockerignore keeps the rest out).
COPY . /app/
ENV NODE_ENV=production
EXPOSE 8000
ENTRYPOINT ["node", "/app/dist/src/cli.js"]
# Listen on every interface inside the container; publish the port on 127.0.0.1 outside.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
