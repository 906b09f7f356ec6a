# The project's one image, for docker-compose.yml: the deploy to LocalStack (cdklocal), the plant
# emulator and the dashboard. Node.js 24, the major version of the Lambda runtime (lib/TwinFunction.ts).
FROM node:24-bookworm-slim

RUN mkdir /app && chown node:node /app
WORKDIR /app
USER node

COPY --chown=node:node package.json package-lock.json ./
# Without install scripts, as on the development machines: esbuild and leveldown work without theirs,
# and nothing is downloaded but the packages themselves.
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY --chown=node:node . .
# The command line's bundle (npm's prepare script, skipped above with the other scripts).
RUN npm run build:cli

CMD ["node", "bin/twin.cjs", "--help"]
