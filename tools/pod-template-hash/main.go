// Command pod-template-hash is the test oracle for Rollout4j's pod-template hash: it reads JSON
// lines {"template": <PodTemplateSpec>, "collisionCount": <int or null>} and writes, per line,
// the hash Argo Rollouts gives that template and the JSON it hashed, tab-separated, or
// "error<TAB><message>". The hash is Argo's: FNV-32a of encoding/json's bytes for the decoded
// k8s.io/api PodTemplateSpec, the collision count as 8 little-endian bytes, written in
// Kubernetes' safe alphabet.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"

	corev1 "k8s.io/api/core/v1"
)

type request struct {
	Template       json.RawMessage `json:"template"`
	CollisionCount *int32          `json:"collisionCount"`
}

// The alphabet of k8s.io/apimachinery's rand.SafeEncodeString: no vowels, no look-alikes.
const alphabet = "bcdfghjklmnpqrstvwxz2456789"

func safeEncode(s string) string {
	out := make([]byte, len(s))
	for i := range s {
		out[i] = alphabet[int(s[i])%len(alphabet)]
	}
	return string(out)
}

func hash(template *corev1.PodTemplateSpec, collisionCount *int32) (string, []byte, error) {
	encoded, err := json.Marshal(template)
	if err != nil {
		return "", nil, err
	}
	hasher := fnv.New32a()
	hasher.Write(encoded)
	if collisionCount != nil {
		count := make([]byte, 8)
		binary.LittleEndian.PutUint32(count, uint32(*collisionCount))
		hasher.Write(count)
	}
	return safeEncode(fmt.Sprint(hasher.Sum32())), encoded, nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var req request
		var template corev1.PodTemplateSpec
		err := json.Unmarshal(in.Bytes(), &req)
		if err == nil {
			err = json.Unmarshal(req.Template, &template)
		}
		var h string
		var encoded []byte
		if err == nil {
			h, encoded, err = hash(&template, req.CollisionCount)
		}
		if err != nil {
			fmt.Fprintf(out, "error\t%s\n", err)
			continue
		}
		fmt.Fprintf(out, "%s\t%s\n", h, encoded)
	}
}
