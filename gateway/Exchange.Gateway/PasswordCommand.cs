// `exchange-gateway hash-password`: turns a password read from stdin into the PasswordHash line a session's settings
// hold. From stdin only, so the password never appears in a process list or a shell's history; from a terminal it is
// read without echo.
using System.Text;
using Exchange.Fix.Session;
using Exchange.Hosting;

namespace Exchange.Gateway;

internal static class PasswordCommand
{
    public static int Run(int iterations)
    {
        string password = Console.IsInputRedirected ? Console.In.ReadLine() ?? "" : ReadWithoutEcho();
        if (password.Length == 0) throw new UsageException("hash-password: no password on stdin");
        byte[] bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            Console.WriteLine(PasswordHash.Create(bytes, iterations));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
        return 0;
    }

    private static string ReadWithoutEcho()
    {
        Console.Error.Write("password: ");
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0) password.Length--;
                continue;
            }
            password.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return password.ToString();
    }
}
