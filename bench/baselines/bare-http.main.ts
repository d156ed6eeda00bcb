import { createServer } from 'node:http';

/** Child process: the bare `node:http` endpoint, reading the body and answering 202 with a small JSON. */
const answer = JSON.stringify({ id: '0190a5b6-0000-7000-8000-000000000000', status: 'accepted' });
createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    response.end(answer);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
