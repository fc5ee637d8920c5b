// Command pulumi-language-nodejs is this project's Node.js language host for the Pulumi CLI.
//
// Why it exists: the Go module proxy this project builds from serves the Pulumi CLI
// (github.com/pulumi/pulumi/pkg/v3) but refuses Pulumi's own language host module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3: "403 This module version is
// not available"). The host is a thin process between the engine and Node.js: the engine asks it
// over gRPC (pulumirpc.LanguageRuntime) to run a program or a plugin, and it starts `node` on the
// entry points the npm package @pulumi/pulumi ships (cmd/run, cmd/run-plugin). Everything that
// matters for a deployment (the resource monitor, state, diffs, secrets) stays in the engine and in
// @pulumi/pulumi; this host only starts processes and reports how they ended.
//
// What it does not do (a user with Pulumi's own CLI has Pulumi's host, which does): install
// dependencies (`npm ci` is the project's job), report required plugins (plugins are loaded when a
// resource first needs one), TypeScript through ts-node (programs here are compiled JavaScript),
// program generation, debugging and policy packs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	pbempty "google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is reported to the engine as the plugin's version; set by the build (-ldflags -X).
var version = "3.248.0"

// bailExitCode is the code @pulumi/pulumi's cmd/run exits with once it has reported the error to
// the user itself (nodeJSProcessExitedAfterLoggingUserActionableMessage): the engine then prints
// nothing more.
const bailExitCode = 32

func main() {
	engineAddress, err := engineAddressFrom(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
	host := &languageHost{engineAddress: engineAddress}
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not serve: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of standard output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

// engineAddressFrom returns the engine's address: the last positional argument. Flags the engine
// may pass before it (logging, tracing, -root) are accepted and ignored.
func engineAddressFrom(args []string) (string, error) {
	var positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--tracing" || a == "-tracing" || a == "--root" || a == "-root":
			i++ // the flag's value
		case strings.HasPrefix(a, "-"):
			// --logtostderr, -v=N, --tracing=URL, -root=DIR, ...
		default:
			positional = append(positional, a)
		}
	}
	if len(positional) == 0 {
		return "", errors.New("missing the engine's address (the last argument)")
	}
	return positional[len(positional)-1], nil
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func (h *languageHost) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPlugins and GetRequiredPackages report nothing: the engine then loads a provider
// plugin when a resource first needs it, instead of trying to download every @pulumi/* package's.
func (h *languageHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// InstallDependencies does nothing: the project's `npm ci` installs them.
func (h *languageHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return nil
}

func (h *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not on PATH: %w", err)
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", node, err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "v")}, nil
}

// options are the `runtime.options` of Pulumi.yaml / PulumiPlugin.yaml this host understands.
type options struct {
	nodeArgs     []string
	typeScript   *bool
	tsConfigPath string
}

func optionsFrom(info *pulumirpc.ProgramInfo) options {
	var o options
	if info == nil || info.GetOptions() == nil {
		return o
	}
	fields := info.GetOptions().GetFields()
	if v, ok := fields["nodeargs"]; ok {
		o.nodeArgs = strings.Fields(v.GetStringValue())
	}
	if v, ok := fields["typescript"]; ok {
		if _, isBool := v.GetKind().(*structpb.Value_BoolValue); isBool {
			b := v.GetBoolValue()
			o.typeScript = &b
		}
	}
	if v, ok := fields["tsconfig"]; ok {
		o.tsConfigPath = v.GetStringValue()
	}
	return o
}

func (o options) env() []string {
	var env []string
	if o.typeScript != nil {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(*o.typeScript))
	}
	if o.tsConfigPath != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsConfigPath)
	}
	return env
}

// programDirectory is the directory the engine resolved for the program: the project's directory
// (Pulumi.yaml's), or the directory `main` names or is in. @pulumi/pulumi is resolved from here, as
// Pulumi's own host does (locateModule from ProgramInfo.ProgramDirectory).
func programDirectory(info *pulumirpc.ProgramInfo, pwd string) string {
	if dir := info.GetProgramDirectory(); dir != "" {
		return dir
	}
	return pwd
}

// programPath is the module `node` runs: the entry point inside the program directory, or the
// directory itself when the entry point is "." (no `main:`, or `main:` naming a directory: node
// then loads package.json's "main" or index.js).
func programPath(info *pulumirpc.ProgramInfo, pwd string) string {
	dir := programDirectory(info, pwd)
	entry := info.GetEntryPoint()
	if entry == "" || entry == "." {
		return dir
	}
	return filepath.Join(dir, entry)
}

// sdkEntryPoint resolves one of @pulumi/pulumi's commands as the program's own node_modules holds it.
func sdkEntryPoint(fromDir, command string) (string, error) {
	script := fmt.Sprintf("process.stdout.write(require.resolve(%q, { paths: [%q] }))", "@pulumi/pulumi/cmd/"+command, fromDir)
	out, err := exec.Command("node", "-e", script).Output()
	if err != nil {
		var exitErr *exec.ExitError
		detail := err.Error()
		if errors.As(err, &exitErr) {
			detail = strings.TrimSpace(string(exitErr.Stderr))
		}
		return "", fmt.Errorf("cannot find @pulumi/pulumi/cmd/%s from %s (run `npm ci` there): %s", command, fromDir, detail)
	}
	return string(out), nil
}

// Run runs a program: `node .../@pulumi/pulumi/cmd/run <flags> <program> <args>`, with the stack's
// config in PULUMI_CONFIG as @pulumi/pulumi reads it.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	program := programPath(info, req.GetPwd())
	// From the program directory, not the program's parent: without `main:` the program IS the
	// directory, and its parent has no node_modules (user trial 18a).
	runner, err := sdkEntryPoint(programDirectory(info, req.GetPwd()), "run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts := optionsFrom(info)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runner,
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.engineAddress,
		"--organization", req.GetOrganization(),
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--pwd", req.GetPwd(),
		"--root-directory", info.GetRootDirectory(),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
	)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(os.Environ(), opts.env()...)
	cmd.Env = append(cmd.Env, "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	// The program's own output goes where the engine reads this host's output.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs a plugin written in Node.js (a PulumiPlugin.yaml with runtime nodejs):
// `node .../@pulumi/pulumi/cmd/run-plugin <program directory> <args>`, streaming its output back.
func (h *languageHost) RunPlugin(req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	info := req.GetInfo()
	program := programPath(info, req.GetPwd())
	runner, err := sdkEntryPoint(programDirectory(info, req.GetPwd()), "run-plugin")
	if err != nil {
		return err
	}
	opts := optionsFrom(info)
	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runner, program)
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(server.Context(), "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(append(os.Environ(), opts.env()...), req.GetEnv()...)

	var sendMu sync.Mutex
	send := func(resp *pulumirpc.RunPluginResponse) error {
		sendMu.Lock()
		defer sendMu.Unlock()
		return server.Send(resp)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var wg sync.WaitGroup
	forward := func(r io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer wg.Done()
		buf := make([]byte, 32*1024)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				chunk := append([]byte(nil), buf[:n]...)
				if sendErr := send(wrap(chunk)); sendErr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go forward(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go forward(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	wg.Wait()
	code := 0
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return err
		}
		code = exitErr.ExitCode()
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}
