import { Command, Option } from 'commander';
import { Accounts, generatePassword } from '../accounts/index.js';
import { loadConfig } from '../config/index.js';
import type { Account, AccountRole } from '../contract/index.js';
import { FaultlineError } from '../errors/index.js';
import { SessionStore } from '../sessions/index.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The accounts in the server's database (safe while it runs: SQLite in WAL mode takes both). */
async function withAccounts<T>(work: (accounts: Accounts) => Promise<T> | T): Promise<T> {
  const config = loadConfig();
  const store = new SessionStore(config.dbPath);
  try {
    return await work(new Accounts(store.db, config.accounts));
  } finally {
    store.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function find(accounts: Accounts, email: string): Account {
  const user = accounts.users.byEmail(email);
  if (!user) throw new FaultlineError('not_found', `There is no account for ${email}; \`faultline user list\` lists them.`);
  return user;
}

const line = (u: Account) =>
  `${u.email.padEnd(36)} ${u.role.padEnd(11)} ${u.source.padEnd(5)} ${(u.disabled ? 'disabled' : 'active').padEnd(8)} ${u.name}${u.lastSignInAt ? `  (last sign-in ${u.lastSignInAt})` : ''}`;

/** `faultline user ...`: the first admin, and account care without the web page. */
export function userCommand(): Command {
  const user = new Command('user').description('manage staff accounts (the first admin is made here or with the interviewer key)');

  user
    .command('add')
    .description('add a local account; prints a generated password unless --password-stdin gives one')
    .requiredOption('--email <email>', 'the email they sign in with')
    .requiredOption('--name <name>', 'their name, as the console and reports show it')
    .addOption(new Option('--role <role>', 'what they may do').choices(['admin', 'interviewer']).default('interviewer'))
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (opts: { email: string; name: string; role: AccountRole; passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? await readStdin() : generatePassword();
      await withAccounts(async (accounts) => {
        const added = await accounts.users.add({ email: opts.email, name: opts.name, role: opts.role, source: 'local', password });
        accounts.audit.record({ action: 'user_added', actor: 'cli', target: added.email, detail: { role: added.role } });
        say(`added ${line(added)}`);
        if (!opts.passwordStdin) say(`password (shown once): ${password}`);
      });
    });

  user
    .command('list')
    .description('list the accounts')
    .action(() =>
      withAccounts((accounts) => {
        const users = accounts.users.list();
        if (users.length === 0) say('no accounts yet: add the first admin with `faultline user add --role admin --email ... --name ...`');
        for (const u of users) say(line(u));
      }),
    );

  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    user
      .command(`${name} <email>`)
      .description(disabled ? 'disable an account: its sign-ins and API tokens stop working at once' : 'enable a disabled account')
      .action((email: string) =>
        withAccounts((accounts) => {
          const changed = accounts.users.change(find(accounts, email).id, { disabled });
          const ended = disabled ? accounts.webSessions.closeAllFor(changed.id) : 0;
          accounts.audit.record({ action: 'user_changed', actor: 'cli', target: changed.email, detail: { disabled, signInsEnded: ended } });
          say(`${name}d ${line(changed)}`);
        }),
      );
  }

  user
    .command('reset-password <email>')
    .description("set a new generated password (printed once) and end the account's sign-ins")
    .action((email: string) =>
      withAccounts(async (accounts) => {
        const target = find(accounts, email);
        const password = generatePassword();
        await accounts.users.setPassword(target.id, password);
        accounts.webSessions.closeAllFor(target.id);
        accounts.audit.record({ action: 'password_reset', actor: 'cli', target: target.email });
        say(`password of ${target.email} (shown once): ${password}`);
      }),
    );
  return user;
}
