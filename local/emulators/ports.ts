// Free TCP ports on the loopback interface, for emulators that must not collide with anything already listening.
import { type AddressInfo, createServer } from 'node:net';

/** Asks the OS for a port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** How an emulator says that another process took its port first. */
export const PORT_IN_USE = /EADDRINUSE|address already in use|BindException/i;
