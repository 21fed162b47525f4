// Command expr-oracle evaluates analysis conditions exactly as Argo Rollouts 1.9 does
// (utils/evaluate/evaluate.go: the same environment, expr.Compile with expr.Env, expr.Run, a
// bool or an error), so that Rollout4j's evaluator can be compared with the real expr.
//
// Input, one JSON object per line: {"id": "...", "condition": "...", "result": R}, where R is a
// JSON value with three extensions a provider's result can hold but JSON cannot:
// {"$float": "NaN" | "+Inf" | "-Inf"}, {"$floats": [...]} for a Prometheus vector ([]float64, its
// elements may use the same NaN/Inf strings) and {"$absent": true} for a nil result. JSON numbers
// are float64, as every provider's decoded JSON is.
//
// Output, one line per input: {"id": "...", "outcome": "true" | "false" | "error", "message": "..."}.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"

	"github.com/antonmedv/expr"
	"github.com/antonmedv/expr/file"
)

type input struct {
	ID        string          `json:"id"`
	Condition string          `json:"condition"`
	Result    json.RawMessage `json:"result"`
}

type output struct {
	ID      string `json:"id"`
	Outcome string `json:"outcome"`
	Message string `json:"message,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var c input
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fmt.Fprintln(os.Stderr, "expr-oracle: bad input line:", err)
			os.Exit(2)
		}
		result, err := decode(c.Result)
		if err != nil {
			fmt.Fprintln(os.Stderr, "expr-oracle: bad result of", c.ID, ":", err)
			os.Exit(2)
		}
		o := output{ID: c.ID}
		ok, err := evalCondition(result, c.Condition)
		switch {
		case err != nil:
			o.Outcome, o.Message = "error", err.Error()
		case ok:
			o.Outcome = "true"
		default:
			o.Outcome = "false"
		}
		if err := enc.Encode(o); err != nil {
			fmt.Fprintln(os.Stderr, "expr-oracle:", err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "expr-oracle:", err)
		os.Exit(2)
	}
}

// decode turns the input's result into the Go value a provider hands to Argo.
func decode(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return convert(v)
}

func convert(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if s, ok := t["$float"]; ok && len(t) == 1 {
			return special(s)
		}
		if list, ok := t["$floats"].([]any); ok && len(t) == 1 {
			out := make([]float64, len(list))
			for i, e := range list {
				f, err := special(e)
				if err != nil {
					return nil, err
				}
				out[i] = f
			}
			return out, nil
		}
		if _, ok := t["$absent"]; ok && len(t) == 1 {
			return nil, nil
		}
		for k, e := range t {
			c, err := convert(e)
			if err != nil {
				return nil, err
			}
			t[k] = c
		}
		return t, nil
	case []any:
		for i, e := range t {
			c, err := convert(e)
			if err != nil {
				return nil, err
			}
			t[i] = c
		}
		return t, nil
	}
	return v, nil
}

func special(v any) (float64, error) {
	switch t := v.(type) {
	case float64:
		return t, nil
	case string:
		switch t {
		case "NaN":
			return math.NaN(), nil
		case "+Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("not a float: %v", v)
}

// What follows is Argo Rollouts v1.9's evaluation, written again from its behaviour.

func evalCondition(resultValue any, condition string) (bool, error) {
	env := map[string]any{
		"result":  valueFromPointer(resultValue),
		"asInt":   asInt,
		"asFloat": asFloat,
		"isNaN":   math.IsNaN,
		"isInf":   isInf,
		"isNil":   isNilFunc(resultValue),
		"default": defaultFunc(resultValue),
	}
	unwrap := func(e error) error {
		var fileErr *file.Error
		if errors.As(e, &fileErr) {
			return errors.New(fileErr.Message)
		}
		return e
	}
	program, err := expr.Compile(condition, expr.Env(env))
	if err != nil {
		return false, unwrap(err)
	}
	value, err := expr.Run(program, env)
	if err != nil {
		return false, unwrap(err)
	}
	if b, ok := value.(bool); ok {
		return b, nil
	}
	return false, fmt.Errorf("expected bool, but got %T", value)
}

func isInf(f float64) bool { return math.IsInf(f, 0) }

func asInt(in any) int64 {
	switch i := in.(type) {
	case float64:
		return int64(i)
	case int64:
		return i
	case int:
		return int64(i)
	case string:
		n, err := strconv.ParseInt(i, 10, 64)
		if err == nil {
			return n
		}
		panic(err)
	}
	panic(fmt.Sprintf("asInt() not supported on %v %v", reflect.TypeOf(in), in))
}

func asFloat(in any) float64 {
	switch i := in.(type) {
	case float64:
		return i
	case int64:
		return float64(i)
	case int:
		return float64(i)
	case string:
		f, err := strconv.ParseFloat(i, 64)
		if err == nil {
			return f
		}
		panic(err)
	}
	panic(fmt.Sprintf("asFloat() not supported on %v %v", reflect.TypeOf(in), in))
}

func defaultFunc(resultValue any) func(any, any) any {
	return func(_ any, defaultValue any) any {
		if isNil(resultValue) {
			return defaultValue
		}
		return valueFromPointer(resultValue)
	}
}

func isNilFunc(resultValue any) func(any) bool {
	return func(_ any) bool { return isNil(resultValue) }
}

func isNil(in any) bool {
	if in == nil {
		return true
	}
	switch reflect.TypeOf(in).Kind() {
	case reflect.Ptr, reflect.Map, reflect.Array, reflect.Chan, reflect.Slice:
		return reflect.ValueOf(in).IsNil()
	}
	return false
}

func valueFromPointer(in any) any {
	if isNil(in) {
		return nil
	}
	if reflect.TypeOf(in).Kind() != reflect.Ptr {
		return in
	}
	return reflect.ValueOf(in).Elem().Interface()
}
