// `twin play`'s session and API without a browser: pacing by an injected wall clock, the state the page
// reads, and a rate set from outside taking effect after its delay; bad requests answered by name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDeliveryModel } from '../../twins/delivery/index.ts';
import { PlaySession } from '../../twins/delivery/PlaySession.ts';
import { createPlayApp } from '../../twins/delivery/playServer.ts';

const model = parseDeliveryModel({
  ...JSON.parse(readFileSync('examples/models/product-delivery.json', 'utf8')),
  weeks: 1,
});

/** A session on a wall clock the test moves by hand. */
function session(speed: number) {
  let wall = 0;
  const s = new PlaySession(model, { speed, seed: 2, wallClock: () => wall, tickMs: 60_000 });
  const advance = (ms: number) => {
    wall += ms;
    s.catchUp();
  };
  return { s, advance };
}

describe('twin play session', () => {
  it('runs as far as the wall clock has come, at its speed', () => {
    const { s, advance } = session(7200);
    s.start();
    advance(1500);
    // 1.5 s at two simulated hours a second.
    expect(s.state().time).toBeCloseTo(3, 9);
    advance(10_000_000);
    expect(s.finished).toBe(true);
    expect(s.state().dailyCosts).toHaveLength(7);
    s.stop();
  });

  it('takes a rate from the API, and it comes into effect after its delay', async () => {
    const { s, advance } = session(3600);
    const app = createPlayApp(s);
    s.start();
    advance(5000);
    const asked = await app.request('/api/rate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ center: 'Nashville', rate: 40 }),
    });
    expect(asked.status).toBe(202);
    expect(await asked.json()).toEqual({ center: 'Nashville', target: 40, requestedAt: 5 });
    const before = (await (await app.request('/api/state')).json()).centers[2];
    expect(before).toMatchObject({
      name: 'Nashville',
      rate: 105,
      target: 40,
      pendingSince: 5,
      policy: 'manual',
    });
    advance(3_600_000);
    const after = (await (await app.request('/api/state')).json()).centers[2];
    expect(after).toMatchObject({ rate: 40, target: 40, pendingSince: null, changes: 1 });
    expect(s.sim.rateChanges[0]!.delay).toBeCloseTo(s.sim.delays[0]!, 9);
    s.stop();
  });

  it('refuses an unknown center, a rate out of range and a body that is not JSON, by name', async () => {
    const { s } = session(3600);
    const app = createPlayApp(s);
    const post = async (body: string) => {
      const r = await app.request('/api/rate', { method: 'POST', body });
      return { status: r.status, body: (await r.json()) as { message: string } };
    };
    expect(await post('{"center":"Boston","rate":10}')).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('no center "Boston"') },
    });
    expect((await post('{"center":"Chicago","rate":250}')).body.message).toContain('0 to 200');
    expect((await post('not json')).status).toBe(400);
    expect((await app.request('/nothing')).status).toBe(404);
    const page = await (await app.request('/')).text();
    expect(page).toContain('<svg id="map"');
  });
});
