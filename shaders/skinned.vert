#version 330 core
// Linear-blend skinning, instanced over characters. Each character's palette of
// skinning matrices is one row of u_joints (RGBA32F): affine matrix p is the 3 texels
// 3p .. 3p+2, its first three rows (the fourth is 0 0 0 1). demo/body/posing.py:skin
// is the numpy twin of this.
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec4 a_tangent;  // xyz, handedness w (0: the mesh has none)
layout(location = 3) in vec2 a_uv;
layout(location = 4) in vec4 a_joints;   // palette indices (exact in float up to 2^24)
layout(location = 5) in vec4 a_weights;
layout(location = 6) in vec4 a_colour;
layout(location = 7) in float i_row;     // the character's row in u_joints

uniform sampler2D u_joints;
uniform mat4 u_view_proj;
uniform mat4 u_shadow;  // identity, or the planar projection onto the ground

out vec3 v_world;
out vec3 v_normal;
out vec4 v_tangent;
out vec2 v_uv;
out vec4 v_colour;

// Adds weight w times the rows of palette matrix ``index`` to r0, r1, r2.
void blend(float index, float w, int row, inout vec4 r0, inout vec4 r1, inout vec4 r2) {
    int c = 3 * int(index + 0.5);
    r0 += w * texelFetch(u_joints, ivec2(c, row), 0);
    r1 += w * texelFetch(u_joints, ivec2(c + 1, row), 0);
    r2 += w * texelFetch(u_joints, ivec2(c + 2, row), 0);
}

void main() {
    int row = int(i_row + 0.5);
    vec4 r0 = vec4(0.0), r1 = vec4(0.0), r2 = vec4(0.0);
    blend(a_joints.x, a_weights.x, row, r0, r1, r2);
    blend(a_joints.y, a_weights.y, row, r0, r1, r2);
    blend(a_joints.z, a_weights.z, row, r0, r1, r2);
    blend(a_joints.w, a_weights.w, row, r0, r1, r2);
    mat4 m = transpose(mat4(r0, r1, r2, vec4(0.0, 0.0, 0.0, 1.0)));
    vec4 world = u_shadow * (m * vec4(a_position, 1.0));
    v_world = world.xyz / world.w;
    // Normals take the cofactor matrix det(l) inverse(l)^T: right for the bone-axis
    // stretch and for mirrored rigs (det < 0, hence the sign).
    mat3 l = mat3(m);
    mat3 cof = mat3(cross(l[1], l[2]), cross(l[2], l[0]), cross(l[0], l[1]));
    float handed = dot(l[0], cof[0]) < 0.0 ? -1.0 : 1.0;
    v_normal = handed * (cof * a_normal);
    v_tangent = vec4(l * a_tangent.xyz, a_tangent.w * handed);
    v_uv = a_uv;
    v_colour = a_colour;
    gl_Position = u_view_proj * world;
}
