/**
 * `ws` as the SDK sees it when type-checked for browsers (tsconfig/browser.json): only the
 * constructor that client/socket.ts imports under Node. The real typings would bring all
 * of Node's types into the browser check. tsconfig/node.json checks the SDK against them.
 */
export declare const WebSocket: import('../client/socket.js').WebSocketConstructor;
