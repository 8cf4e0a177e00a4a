import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { isSeldonDeployment, parseSeldonDeployment } from '@seldon-eventing/seldon';
import { Topology } from '@seldon-eventing/topology';
import { DeadLetters, type DeadLetterView } from './dead-letters';
import { TriggerFlow, type FlowView } from './trigger-flow';

/** The console's static files: plain HTML, CSS and ES modules, no build step and nothing from a CDN. */
export const ASSETS_DIR = resolve(__dirname, '../../console');

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** A SeldonDeployment the Send tab can compose a request for. */
export interface ConsoleDeployment {
  /** `<namespace>/<name>`, what POST /console/send takes. */
  ref: string;
  name: string;
  namespace: string;
  protocol: string;
  /** The graph root: the model name of tensorflow and v2 paths. */
  model: string;
}

/** The web console's page and the JSON it reads (the rest, which takes bodies, are raw routes: see console-routes.ts). */
@Controller('console')
export class ConsoleController {
  /** Only the files shipped in the assets folder can be asked for, by name. */
  private readonly assets = new Set(readdirSync(ASSETS_DIR).filter((file) => /^[a-z0-9-]+\.(html|css|mjs|svg)$/.test(file)));

  constructor(
    private readonly topology: Topology,
    private readonly flow: TriggerFlow,
    private readonly deadLetters: DeadLetters,
  ) {}

  @Get()
  @Header('cache-control', 'no-cache')
  page(@Res() res: Response): void {
    this.sendAsset('index.html', res);
  }

  @Get('assets/:file')
  @Header('cache-control', 'no-cache')
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (!this.assets.has(file)) throw new NotFoundException(`no console file ${file}`);
    this.sendAsset(file, res);
  }

  @Get('flow')
  view(): Promise<FlowView> {
    return this.flow.view();
  }

  @Get('deployments')
  deployments(): ConsoleDeployment[] {
    return this.topology.config.objects.filter(isSeldonDeployment).map((obj) => {
      const sdep = parseSeldonDeployment(obj);
      return { ref: `${sdep.namespace}/${sdep.name}`, name: sdep.name, namespace: sdep.namespace, protocol: sdep.protocol, model: sdep.predictors[0]?.graphName ?? sdep.name };
    });
  }

  @Get('dead-letters')
  letters(): DeadLetterView[] {
    return this.deadLetters.list();
  }

  private sendAsset(file: string, res: Response): void {
    res.type(CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1)]).sendFile(join(ASSETS_DIR, file));
  }
}
