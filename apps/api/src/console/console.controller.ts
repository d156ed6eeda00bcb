import { Controller, Get, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { NotFoundError } from '@herald/core';
import { Public } from '../auth/scopes.decorator';
import { ConsoleFile, ConsoleFiles } from './console-files';

/** What both HTTP adapters' requests and replies offer (Express and Fastify alike). */
interface RequestLine {
  url: string;
}
interface HeaderSink {
  header(name: string, value: string): unknown;
}

/**
 * The web console (apps/console) at /admin: its built files, and its index page for every client route under
 * /admin (a reload of /admin/templates/x), except under assets/ (a missing asset is a 404, not a page). The queue
 * dashboard owns /admin/queues and everything under it (static routes and its own wildcard, which Fastify's router
 * prefers to this one). The console is a plain API client: it needs no key to load, and every call it makes
 * carries the key the user signed in with.
 */
@ApiExcludeController()
@Public()
@Controller('admin')
export class ConsoleController {
  constructor(private readonly files: ConsoleFiles) {}

  @Get()
  index(@Res({ passthrough: true }) reply: HeaderSink): StreamableFile {
    return send(reply, this.files.index(), '');
  }

  @Get('*')
  file(@Req() request: RequestLine, @Res({ passthrough: true }) reply: HeaderSink): StreamableFile {
    const name = new URL(request.url, 'http://herald').pathname.replace(/^\/admin\/?/i, '');
    const file = this.files.get(name);
    if (file) return send(reply, file, name);
    // Client routes may hold dots (template keys do): only assets/ is files alone.
    return send(reply, name.startsWith('assets/') ? undefined : this.files.index(), name);
  }
}

function send(reply: HeaderSink, file: ConsoleFile | undefined, name: string): StreamableFile {
  if (!file) throw new NotFoundError('Console file', `/admin/${name}`);
  reply.header('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  return new StreamableFile(file.body, { type: file.type, length: file.body.length });
}
