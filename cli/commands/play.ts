// `twin play`: runs a product-delivery model paced in real time, with a page of its own to watch it and
// set each center's rate.

import { deliveryTwin } from '../../twins/delivery/index.ts';
import { DEFAULT_PLAY_SPEED, PlaySession } from '../../twins/delivery/PlaySession.ts';
import { PlayPortInUseError, startPlayServer } from '../../twins/delivery/playServer.ts';
import { ScenarioError } from '../../twins/scenarios/ScenarioTwin.ts';
import { defineCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { readJson } from '../files.ts';
import { hostOption } from '../hostOption.ts';
import { portOption, rangedNumberOption } from '../optionChecks.ts';
import { untilStopped } from '../untilStopped.ts';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

export const playCommand = defineCommand({
  name: 'play',
  summary:
    'Run a product-delivery model in real time with a page of its own: a map of centers and distributors, the KPIs live, a slider per center rate.',
  details:
    'A rate set on the page puts that center under manual control; it takes effect after the machines\n' +
    'delay, as in the model. Ctrl+C stops it.\n' +
    'Example: twin play --model examples/models/product-delivery.json --speed 7200',
  options: {
    model: { type: 'string', value: 'FILE', description: 'a product-delivery model file', required: true },
    speed: {
      type: 'string',
      value: 'N',
      description: 'simulated seconds per second (3600: one simulated hour a second)',
      default: String(DEFAULT_PLAY_SPEED),
    },
    seed: { type: 'string', value: 'N', description: 'the random seed of the run', default: '1' },
    port: {
      type: 'string',
      value: 'N',
      description: 'port to listen on, 0 to 65535 (0: any free port)',
      default: '8090',
    },
    host: {
      type: 'string',
      value: 'ADDRESS',
      description: 'address of this machine to listen on',
      default: '127.0.0.1',
    },
  },
  async run(values, io) {
    if (values.model === undefined) throw new CliError('--model is required');
    const speed = rangedNumberOption('speed', values.speed, { above: 0, max: 1e9 })!;
    const seed = rangedNumberOption('seed', values.seed, {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      whole: true,
    })!;
    const port = portOption('port', values.port!);
    const host = await hostOption('host', values.host!);
    const raw = await readJson(values.model);
    let model: ReturnType<typeof deliveryTwin.parseModel>;
    try {
      model = deliveryTwin.parseModel(raw);
    } catch (error) {
      if (error instanceof ScenarioError) throw new CliError(`${values.model}: ${error.message}`);
      throw error;
    }
    const session = new PlaySession(model, { speed, seed });
    let server: Awaited<ReturnType<typeof startPlayServer>>;
    try {
      server = await startPlayServer(session, { port, host });
    } catch (error) {
      if (error instanceof PlayPortInUseError) {
        throw new CliError(`port ${error.port} is in use: stop what uses it, or choose another with --port`);
      }
      throw error;
    }
    if (!isLoopback(host)) {
      io.err(
        `twin play: listening on ${host}: whoever reaches this port can watch the run and set its rates\n`,
      );
    }
    io.out(`Play: ${server.url}`);
    io.out(
      `${model.name ?? 'product delivery'}: ${model.weeks} weeks at ×${speed} (${((model.weeks * 168 * 3600) / speed / 60).toFixed(1)} min). Ctrl+C stops it.`,
    );
    await untilStopped();
    await server.close();
    return 0;
  },
});
